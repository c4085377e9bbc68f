import type { Command, ExchangeState, Query, QueryResult } from './commands.js';
import { Exchange } from './exchange.js';
import type { ApplyOutcome, StateMachine } from './state-machine.js';

/** shared (never mutated): no new objects per write for the session table to keep alive */
const KV_WRITTEN: ApplyOutcome = Object.freeze({ ok: true, result: Object.freeze({ type: 'kv.write' }) }) as ApplyOutcome;
const KV_APPENDED: ApplyOutcome = Object.freeze({ ok: true, result: Object.freeze({ type: 'kv.append' }) }) as ApplyOutcome;

/** entries in key order (code-unit order: the same on every node) */
const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The exchange node's replicated state machine: a key-value register space, a
 * grow-only set, per-key append lists, and the exchange (accounts, transfers, limit order books).
 * Deterministic: the same commands in the same order give the same state, and
 * byte-identical snapshots, on every node.
 */
export class ExchangeStateMachine implements StateMachine {
  private kv = new Map<string, unknown>();
  private set: unknown[] = [];
  private setIndex = new Set<string>();
  /** per-key append lists: no dedup, so a command applied twice is visible in every later read */
  private lists = new Map<string, unknown[]>();
  private exchange = new Exchange();

  apply(index: number, c: Command): ApplyOutcome {
    switch (c.type) {
      case 'kv.write':
        this.kv.set(c.key, c.value);
        return KV_WRITTEN;
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
      case 'kv.append': {
        const list = this.lists.get(c.key);
        if (list) list.push(c.element);
        else this.lists.set(c.key, [c.element]);
        return KV_APPENDED;
      }
      default:
        return this.exchange.apply(index, c);
    }
  }

  query(q: Query): QueryResult {
    switch (q.type) {
      case 'kv.read':
        return { type: 'kv.read', value: this.kv.has(q.key) ? this.kv.get(q.key) : null };
      case 'set.read':
        return { type: 'set.read', elements: [...this.set] };
      case 'list.read':
        return { type: 'list.read', elements: [...(this.lists.get(q.key) ?? [])] };
      case 'bank.read':
        return { type: 'bank.read', balances: this.exchange.cash() };
      case 'exchange.state':
        return { type: 'exchange.state', state: this.exchange.state() };
    }
  }

  snapshot(): Uint8Array {
    const kv = [...this.kv].sort(byKey);
    // lists only when some exist: a node that never saw an append snapshots the same bytes as before lists existed
    const lists = this.lists.size > 0 ? { lists: [...this.lists].sort(byKey) } : {};
    return Buffer.from(JSON.stringify({ kv, set: this.set, ...lists, exchange: this.exchange.state() }));
  }

  restore(data: Uint8Array): void {
    const s = JSON.parse(Buffer.from(data).toString('utf8')) as {
      kv: [string, unknown][];
      set: unknown[];
      lists?: [string, unknown[]][];
      exchange: ExchangeState;
    };
    this.kv = new Map(s.kv);
    this.lists = new Map(s.lists ?? []);
    this.set = s.set;
    this.setIndex = new Set(s.set.map((e) => JSON.stringify(e)));
    this.exchange = new Exchange();
    this.exchange.restore(s.exchange);
  }
}
