import type { Model } from './types.js';

/**
 * Interns model states as small integers so the search compares and hashes ints.
 * Primitive states (numbers, strings, null...) go through a Map, which already
 * hashes by value; object states go through the model's own hash and equal.
 */
export class StateTable<S> {
  readonly states: S[] = [];
  private readonly primitive = new Map<unknown, number>();
  private readonly buckets = new Map<number, number[]>();

  constructor(private readonly model: Model<S>) {}

  id(state: S): number {
    if (state === null || typeof state !== 'object') {
      let id = this.primitive.get(state);
      if (id === undefined) {
        id = this.states.length;
        this.states.push(state);
        this.primitive.set(state, id);
      }
      return id;
    }
    const h = this.model.hash(state) | 0;
    let bucket = this.buckets.get(h);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(h, bucket);
    }
    for (const id of bucket) if (this.model.equal(this.states[id], state)) return id;
    const id = this.states.length;
    this.states.push(state);
    bucket.push(id);
    return id;
  }

  get size(): number {
    return this.states.length;
  }
}
