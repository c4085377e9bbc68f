import type { Model } from './types.js';

/** a Map entry (key, value, chain link) and its share of the hash table */
const MAP_ENTRY_BYTES = 40;

/**
 * An estimate of the memory a state holds of its own: strings by length (one byte
 * per character: history values are mostly ASCII), arrays by their slots, maps by
 * their fields and string fields; values shared with the history are not counted
 * twice beyond that (a register state is the op's own value).
 */
export function approxBytes(v: unknown): number {
  if (typeof v === 'string') return 16 + v.length;
  if (v === null || typeof v !== 'object') return 16;
  if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
  if (Array.isArray(v)) return 16 + 8 * v.length;
  let n = 24;
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    n += 8 + (typeof x === 'string' ? 16 + x.length : 0);
  }
  return n;
}

/**
 * Interns model states as small integers so the search compares and hashes ints.
 * Primitive states (numbers, strings, null...) go through a Map, which already
 * hashes by value; object states through an open-addressing table on the model's
 * hash, calling `equal` only when hashes match. `bytes` is what it holds, counted
 * against the checker's memory budget: its own arrays and each state's real size
 * (model.stateBytes, or an estimate from the state's shape).
 */
export class StateTable<S> {
  readonly states: S[] = [];
  private readonly primitive = new Map<unknown, number>();
  private hashes = new Int32Array(256);
  private slots = new Int32Array(512); // state id + 1, 0 = empty
  private objects = 0;
  private payload = 0;

  constructor(private readonly model: Model<S>) {}

  /** bytes held: the tables, the states array, Map entries and the states themselves */
  get bytes(): number {
    return this.hashes.byteLength + this.slots.byteLength + this.states.length * 8 + this.primitive.size * MAP_ENTRY_BYTES + this.payload;
  }

  id(state: S): number {
    if (state === null || typeof state !== 'object') {
      let id = this.primitive.get(state);
      if (id === undefined) {
        id = this.push(state);
        this.primitive.set(state, id);
      }
      return id;
    }
    const h = this.model.hash(state) | 0;
    const mask = this.slots.length - 1;
    let slot = Math.imul(h, 0x9e3779b1) & mask;
    for (let e = this.slots[slot]; e !== 0; e = this.slots[slot]) {
      const id = e - 1;
      if (this.hashes[id] === h && this.model.equal(this.states[id], state)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.push(state);
    this.hashes[id] = h;
    this.slots[slot] = id + 1;
    if (++this.objects * 2 > this.slots.length) this.rehash();
    return id;
  }

  get size(): number {
    return this.states.length;
  }

  private push(state: S): number {
    const id = this.states.length;
    this.states.push(state);
    this.payload += this.model.stateBytes ? this.model.stateBytes(state) : approxBytes(state);
    if (id >= this.hashes.length) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.slots.length; i++) {
      const e = this.slots[i];
      if (e === 0) continue;
      let slot = Math.imul(this.hashes[e - 1], 0x9e3779b1) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e;
    }
    this.slots = slots;
  }
}
