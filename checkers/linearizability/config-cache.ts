/**
 * Lowe's cache of configurations already explored: (set of linearized ops, state).
 * Open addressing over typed arrays; bitsets live in one growing arena, so an
 * insert allocates nothing until a table doubles. A doubling that would take the
 * cache past `limit` bytes does not happen: the cache is `full`, stops remembering
 * (a configuration not remembered is only explored again: still exact) and the
 * checker ends the search at the memory budget.
 */
export class ConfigCache {
  private slots: Int32Array; // entry index + 1, 0 = empty
  private mask: number;
  private hashes: Uint32Array;
  private stateIds: Int32Array;
  private arena: Uint32Array;
  private count = 0;
  /** bytes the cache may grow to */
  limit = Infinity;
  /** a doubling was refused: the memory budget is spent */
  full = false;

  constructor(
    private readonly words: number,
    initialSlots = 1024,
  ) {
    this.slots = new Int32Array(initialSlots);
    this.mask = initialSlots - 1;
    this.hashes = new Uint32Array(initialSlots >> 1);
    this.stateIds = new Int32Array(initialSlots >> 1);
    this.arena = new Uint32Array((initialSlots >> 1) * Math.max(1, words));
  }

  get size(): number {
    return this.count;
  }

  /** bytes held by the cache's arrays */
  get bytes(): number {
    return this.slots.byteLength + this.hashes.byteLength + this.stateIds.byteLength + this.arena.byteLength;
  }

  /** Adds the configuration; returns false if it was already there. */
  add(bits: Uint32Array, hash: number, stateId: number): boolean {
    const words = this.words;
    let slot = hash & this.mask;
    for (;;) {
      const e = this.slots[slot];
      if (e === 0) break;
      const i = e - 1;
      if (this.hashes[i] === hash && this.stateIds[i] === stateId && this.sameBits(i, bits)) return false;
      slot = (slot + 1) & this.mask;
    }
    if (this.count >= this.hashes.length) {
      // entries double, and the slots with them at the next insert
      if (this.bytes + this.hashes.byteLength * 2 * (2 + Math.max(1, words)) + this.slots.byteLength * 2 > this.limit) {
        this.full = true;
        return true;
      }
      this.growEntries();
    }
    const i = this.count++;
    this.hashes[i] = hash;
    this.stateIds[i] = stateId;
    this.arena.set(bits, i * words);
    this.slots[slot] = i + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return true;
  }

  private sameBits(i: number, bits: Uint32Array): boolean {
    const words = this.words;
    const base = i * words;
    const arena = this.arena;
    for (let w = 0; w < words; w++) if (arena[base + w] !== bits[w]) return false;
    return true;
  }

  private growEntries(): void {
    const n = this.hashes.length * 2;
    const hashes = new Uint32Array(n);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const ids = new Int32Array(n);
    ids.set(this.stateIds);
    this.stateIds = ids;
    const arena = new Uint32Array(n * Math.max(1, this.words));
    arena.set(this.arena);
    this.arena = arena;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.count; i++) {
      let slot = this.hashes[i] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = i + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
