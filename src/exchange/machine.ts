import type { Command, Query, QueryResult } from './commands.js';
import type { ApplyOutcome, StateMachine } from './state-machine.js';

/**
 * The exchange node's replicated state machine. Deterministic: the same commands
 * in the same order give the same state on every node.
 * (Order books and matching are being added in src/exchange; until then order
 * commands are rejected as invalid, definitely.)
 */
export class ExchangeStateMachine implements StateMachine {
  private kv = new Map<string, unknown>();
  private set: unknown[] = [];
  private setIndex = new Set<string>();
  private cash = new Map<string, number>();

  apply(_index: number, c: Command): ApplyOutcome {
    switch (c.type) {
      case 'kv.write':
        this.kv.set(c.key, c.value);
        return { ok: true, result: { type: 'kv.write' } };
      case 'kv.cas': {
        const current = this.kv.has(c.key) ? this.kv.get(c.key) : null;
        if (JSON.stringify(current) !== JSON.stringify(c.from)) {
          return { ok: false, code: 'precondition-failed', message: `${c.key} is ${JSON.stringify(current)}, not ${JSON.stringify(c.from)}` };
        }
        this.kv.set(c.key, c.to);
        return { ok: true, result: { type: 'kv.cas' } };
      }
      case 'set.add': {
        const k = JSON.stringify(c.element);
        if (!this.setIndex.has(k)) {
          this.setIndex.add(k);
          this.set.push(c.element);
        }
        return { ok: true, result: { type: 'set.add' } };
      }
      case 'account.create':
        if (this.cash.has(c.account)) return { ok: false, code: 'account-exists', message: `account ${c.account} exists` };
        if (!Number.isInteger(c.cash) || c.cash < 0) return { ok: false, code: 'invalid-command', message: 'cash must be a non-negative integer' };
        this.cash.set(c.account, c.cash);
        return { ok: true, result: { type: 'account.create' } };
      case 'bank.transfer': {
        const from = this.cash.get(c.from);
        const to = this.cash.get(c.to);
        if (from === undefined || to === undefined) return { ok: false, code: 'unknown-account', message: 'unknown account' };
        if (!Number.isInteger(c.amount) || c.amount <= 0) return { ok: false, code: 'invalid-command', message: 'amount must be a positive integer' };
        if (from < c.amount) return { ok: false, code: 'insufficient-funds', message: `${c.from} has ${from}` };
        if (c.from === c.to) return { ok: true, result: { type: 'bank.transfer' } };
        this.cash.set(c.from, from - c.amount);
        this.cash.set(c.to, to + c.amount);
        return { ok: true, result: { type: 'bank.transfer' } };
      }
      default:
        return { ok: false, code: 'invalid-command', message: `${c.type} is not supported yet` };
    }
  }

  query(q: Query): QueryResult {
    switch (q.type) {
      case 'kv.read':
        return { type: 'kv.read', value: this.kv.has(q.key) ? this.kv.get(q.key) : null };
      case 'set.read':
        return { type: 'set.read', elements: [...this.set] };
      case 'bank.read':
        return { type: 'bank.read', balances: Object.fromEntries([...this.cash].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
      case 'exchange.state':
        return { type: 'exchange.state', state: { accounts: {}, orders: {}, trades: [] } };
    }
  }

  snapshot(): Uint8Array {
    const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Buffer.from(JSON.stringify({ kv: sorted(this.kv), set: this.set, cash: sorted(this.cash) }));
  }

  restore(data: Uint8Array): void {
    const s = JSON.parse(Buffer.from(data).toString('utf8')) as { kv: [string, unknown][]; set: unknown[]; cash: [string, number][] };
    this.kv = new Map(s.kv);
    this.set = s.set;
    this.setIndex = new Set(s.set.map((e) => JSON.stringify(e)));
    this.cash = new Map(s.cash);
  }
}
