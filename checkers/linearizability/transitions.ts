import type { Operation } from '../../src/history/types.js';
import type { StateTable } from './states.js';
import type { Model } from './types.js';

/**
 * step(state id, op index) → next state id (-1 = illegal), memoized: the search
 * revisits the same (state, op) pairs many times while backtracking, and a model
 * step can cost O(state size) (a kv append builds a new string).
 * The memo is an open-addressing table over typed arrays.
 */
export class Transitions {
  private keysState: Int32Array;
  private keysOp: Int32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(
    private readonly model: Model<unknown>,
    private readonly table: StateTable<unknown>,
    private readonly ops: readonly Operation[],
    private readonly memo = process.env.FL_MEMO === '1',
    slots = 1024,
  ) {
    this.keysState = new Int32Array(slots).fill(-1);
    this.keysOp = new Int32Array(slots);
    this.values = new Int32Array(slots);
    this.mask = slots - 1;
  }

  get bytes(): number {
    return this.keysState.byteLength * 3;
  }

  step(state: number, op: number): number {
    if (!this.memo) {
      const next = this.model.step!(this.table.states[state], this.ops[op]);
      return next === undefined ? -1 : this.table.id(next);
    }
    let slot = (Math.imul(state, 0x9e3779b1) ^ Math.imul(op, 0x85ebca6b)) & this.mask;
    const keysState = this.keysState;
    for (;;) {
      const s = keysState[slot];
      if (s === -1) break;
      if (s === state && this.keysOp[slot] === op) return this.values[slot];
      slot = (slot + 1) & this.mask;
    }
    const next = this.model.step!(this.table.states[state], this.ops[op]);
    const id = next === undefined ? -1 : this.table.id(next);
    keysState[slot] = state;
    this.keysOp[slot] = op;
    this.values[slot] = id;
    if (++this.count * 2 > keysState.length) this.grow();
    return id;
  }

  private grow(): void {
    const oldState = this.keysState;
    const oldOp = this.keysOp;
    const oldValues = this.values;
    const n = oldState.length * 2;
    this.keysState = new Int32Array(n).fill(-1);
    this.keysOp = new Int32Array(n);
    this.values = new Int32Array(n);
    this.mask = n - 1;
    for (let i = 0; i < oldState.length; i++) {
      const s = oldState[i];
      if (s === -1) continue;
      let slot = (Math.imul(s, 0x9e3779b1) ^ Math.imul(oldOp[i], 0x85ebca6b)) & this.mask;
      while (this.keysState[slot] !== -1) slot = (slot + 1) & this.mask;
      this.keysState[slot] = s;
      this.keysOp[slot] = oldOp[i];
      this.values[slot] = oldValues[i];
    }
  }
}
