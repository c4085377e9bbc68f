import { checkBank } from '../checkers/bank.js';
import { fn, mix, repeat, untilOk } from './generator.js';
import type { Workload } from './workload.js';

export interface BankOptions {
  accounts: number;
  /** every account's opening balance */
  initial: number;
  /** largest transfer */
  maxTransfer: number;
  readShare: number;
}

export const BANK_DEFAULTS: BankOptions = { accounts: 5, initial: 100, maxTransfer: 5, readShare: 0.4 };

export const accountNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `acct${i}`);

/** Transfers between two distinct accounts and reads of all balances. */
export function bankGenerator(o: BankOptions = BANK_DEFAULTS) {
  const names = accountNames(o.accounts);
  const transfers = fn((ctx) => {
    const from = Math.floor(ctx.rand() * o.accounts);
    const to = (from + 1 + Math.floor(ctx.rand() * (o.accounts - 1))) % o.accounts;
    return { f: 'transfer', value: { from: names[from], to: names[to], amount: 1 + Math.floor(ctx.rand() * o.maxTransfer) } };
  });
  return mix([transfers, repeat({ f: 'read', value: null })], [1 - o.readShare, o.readShare]);
}

/**
 * Jepsen's bank: accounts created once, then transfers and reads; totals must be conserved.
 * Ops: `transfer {from, to, amount}`, which ends `fail` with `insufficient-funds` when
 * `from` lacks the amount (atomically: a transaction where the system has them);
 * `read null` → ok `{account: balance, ...}`, every account read at one instant.
 */
export function bankWorkload(opts: Partial<BankOptions> = {}): Workload {
  const o = { ...BANK_DEFAULTS, ...opts };
  return {
    name: 'bank',
    accounts: accountNames(o.accounts).map((account) => ({ account, cash: o.initial })),
    generator: () => bankGenerator(o),
    final: () => untilOk(repeat({ f: 'read', value: null })),
    checkers: { bank: (ops) => checkBank(ops, o.accounts * o.initial) },
  };
}
