import type { Operation } from '../../src/history/types.js';
import { ConfigCache } from './config-cache.js';
import { buildEntries, type EntryList } from './entries.js';
import type { StateTable } from './states.js';

export type SearchStatus = 'running' | 'ok' | 'illegal';

/** next state id after local op index `op` from state id `state`, or -1 if illegal */
export interface Stepper {
  step(state: number, op: number): number;
  readonly bytes: number;
}

export interface LongestPrefix {
  /** local op indexes in linearization order */
  order: number[];
  stateId: number;
  /** the op whose return was reached with no way forward */
  blocked: number;
}

/**
 * Wing & Gong's search with Lowe's cache over one partition, as in Porcupine, but
 * resumable (explicit stack, `run(steps)`) so partitions can be interleaved, and with
 * `info` ops optional: the search succeeds once every op that returned is linearized.
 *
 * Read-only ops are linearized greedily. When a configuration (linearized set L,
 * state s) is entered, a first pass over its candidates (calls before the first
 * pending return) linearizes every read-only op that is legal in s, with no
 * backtracking point; only then are the other candidates tried as choices.
 * Why this loses nothing: let o be read-only (step(t, o) ∈ {undefined, t} for
 * every state t) and legal in s. Take any valid continuation from (L, s). If it
 * contains o, o ran in some state t where it was legal, so it left t unchanged;
 * deleting it there leaves every later state as it was, and putting it first is
 * legal (state s) and respects real time (o is a candidate: it was called before
 * every pending op returned). If it does not contain o (an info op), putting o
 * first changes no state either. So (L, s) has a valid continuation iff
 * (L ∪ {o}, s) has one: the greedy step is not a choice, and when the search
 * backtracks over it, it backtracks over its parent too.
 *
 * The same holds for a write of an unread state u (model.unreadWrite, value 2 in
 * `readOnly`) when the state is already u: in a valid continuation where it runs
 * later, the ops between it and the next write are info no-ops in u (nothing else
 * is legal in u), which may be left out, and that next write sets its own state
 * whatever came before; so it too can go first, changing nothing.
 */
export class PartitionSearch {
  status: SearchStatus = 'running';
  steps = 0;
  /**
   * steps between two looks at the clock in run(): adapted so a look comes about
   * every CLOCK_MS whatever a step costs (one step, if one step costs more); starts
   * at one, since nothing is known of a step's cost yet, and doubles while steps are cheap
   */
  private clockEvery = 1;
  readonly longest: LongestPrefix[] = [];
  private readonly list: EntryList;
  private readonly bits: Uint32Array;
  private readonly zobrist: Uint32Array;
  private readonly stackEntry: Int32Array;
  private readonly stackState: Int32Array;
  /** 1 where the frame is a greedy (read-only) step rather than a choice */
  private readonly stackGreedy: Uint8Array;
  private readonly required: Uint8Array;
  private readonly readOnly: Uint8Array;
  private readonly greedy: boolean;
  /** model.mustFollow as CSR: op i waits for afterList[afterStart[i] .. afterStart[i + 1]) */
  private readonly afterStart: Int32Array | null;
  private readonly afterList: Int32Array;
  private cache: ConfigCache | null;
  private depth = 0;
  private entry: number;
  private stateId: number;
  private hash = 0;
  private remaining = 0;
  /** in the greedy pass over the current configuration's candidates */
  private scanning: boolean;
  private bestDepth = -1;

  /**
   * `readOnly[i] === 1` marks op i as read-only (model.readOnly); null turns the
   * greedy pass off (plain Wing & Gong).
   */
  constructor(
    readonly ops: readonly Operation[],
    private readonly stepper: Stepper,
    readonly states: StateTable<unknown>,
    initialState: number,
    readOnly: Uint8Array | null = null,
    private readonly trackLongest = false,
    private readonly maxLongest = 10,
    after: readonly (readonly number[] | undefined)[] | null = null,
  ) {
    const n = ops.length;
    [this.afterStart, this.afterList] = csr(after, n);
    this.list = buildEntries(ops);
    const words = Math.max(1, Math.ceil(n / 32));
    this.bits = new Uint32Array(words);
    this.cache = new ConfigCache(words);
    this.stackEntry = new Int32Array(n);
    this.stackState = new Int32Array(n);
    this.stackGreedy = new Uint8Array(n);
    this.required = new Uint8Array(n);
    this.readOnly = readOnly ?? new Uint8Array(n);
    this.greedy = readOnly !== null && readOnly.some((r) => r !== 0);
    this.scanning = this.greedy;
    this.zobrist = new Uint32Array(n);
    let seed = 0x9e3779b9 ^ n;
    for (let i = 0; i < n; i++) {
      // xorshift32: deterministic per-op random bits for incremental bitset hashing
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      this.zobrist[i] = seed >>> 0;
      if (ops[i].ret !== Infinity) {
        this.required[i] = 1;
        this.remaining++;
      }
    }
    this.stateId = initialState;
    this.entry = this.list.next[this.list.head];
    if (this.remaining === 0) this.finish('ok');
  }

  /** bytes held: the cache, the stacks and lists, the transition memo */
  get cacheBytes(): number {
    if (this.cache === null) return 0;
    const n = this.ops.length;
    // stacks (3), bits, zobrist, required, readOnly, the entry list (3 × 2n), constraints
    return this.cache.bytes + n * (4 + 4 + 1 + 1 + 1 + 4 + 24) + this.afterList.byteLength + this.stepper.bytes;
  }

  /** the cache may not grow past this many bytes (the memory budget's share left to it) */
  set cacheLimit(bytes: number) {
    if (this.cache !== null) this.cache.limit = bytes;
  }

  /** the cache refused to grow: the memory budget is spent */
  get cacheFull(): boolean {
    return this.cache?.full ?? false;
  }

  /**
   * Runs up to `budget` steps, or until performance.now() passes `deadline` (looked
   * at about every CLOCK_MS of steps), or until the cache is full; returns the status.
   */
  run(budget: number, deadline = Infinity): SearchStatus {
    if (this.status !== 'running') return this.status;
    const { next, prev, match, head } = this.list;
    const { bits, zobrist, stackEntry, stackState, stackGreedy, required, readOnly, greedy, stepper, afterStart, afterList } = this;
    const cache = this.cache as ConfigCache;
    let { entry, stateId, hash, depth, remaining, scanning } = this;
    let n = 0;
    let clockAt = this.clockEvery;
    let lastClock = performance.now();
    while (n < budget) {
      if (n >= clockAt) {
        const now = performance.now();
        // about CLOCK_MS between looks: fewer steps if they were slow, more if fast
        const took = now - lastClock;
        if (took > 2 * CLOCK_MS) this.clockEvery = Math.max(1, this.clockEvery >> 1);
        else if (took < CLOCK_MS / 2 && this.clockEvery < 1 << 16) this.clockEvery <<= 1;
        lastClock = now;
        clockAt = n + this.clockEvery;
        if (now >= deadline || cache.full) break;
      }
      n++;
      const ret = match[entry];
      if (ret >= 0) {
        const op = entry >> 1;
        if (scanning) {
          // the greedy pass: only a read-only op legal here (leaving the state as it is)
          if (readOnly[op] === 0 || (afterStart !== null && !ready(op, afterStart, afterList, bits))) {
            entry = next[entry];
            continue;
          }
          const same = stepper.step(stateId, op);
          if (same !== stateId) {
            if (same >= 0 && readOnly[op] === 1) throw new Error(`the model declares op ${op} of this partition read-only, but it changed the state`);
            entry = next[entry];
            continue;
          }
          const h = (hash ^ zobrist[op]) >>> 0;
          bits[op >> 5] |= 1 << (op & 31);
          if (cache.add(bits, (h ^ Math.imul(stateId + 1, 0x9e3779b1)) >>> 0, stateId)) {
            stackEntry[depth] = entry;
            stackState[depth] = stateId;
            stackGreedy[depth] = 1;
            depth++;
            hash = h;
            next[prev[entry]] = next[entry];
            prev[next[entry]] = prev[entry];
            next[prev[ret]] = next[ret];
            prev[next[ret]] = prev[ret];
            if (required[op] === 1 && --remaining === 0) {
              this.save(entry, stateId, hash, depth, remaining, scanning);
              this.steps += n;
              return this.finish('ok');
            }
            // the state is unchanged, so earlier candidates need no second look
            entry = next[prev[entry]];
            continue;
          }
          // (L ∪ {op}, state) was explored and failed; the current configuration is
          // equivalent to it, so it fails too: backtrack
          bits[op >> 5] &= ~(1 << (op & 31));
        } else {
          // a read-only op is illegal here, or the greedy pass would have taken it;
          // an op whose predecessors (mustFollow) are not all linearized cannot go yet
          const nextState = readOnly[op] === 1 || (afterStart !== null && !ready(op, afterStart, afterList, bits)) ? -1 : stepper.step(stateId, op);
          if (nextState >= 0) {
            const h = (hash ^ zobrist[op]) >>> 0;
            bits[op >> 5] |= 1 << (op & 31);
            if (cache.add(bits, (h ^ Math.imul(nextState + 1, 0x9e3779b1)) >>> 0, nextState)) {
              stackEntry[depth] = entry;
              stackState[depth] = stateId;
              stackGreedy[depth] = 0;
              depth++;
              stateId = nextState;
              hash = h;
              // lift the call and its return out of the list
              next[prev[entry]] = next[entry];
              prev[next[entry]] = prev[entry];
              next[prev[ret]] = next[ret];
              prev[next[ret]] = prev[ret];
              if (required[op] === 1 && --remaining === 0) {
                this.save(entry, stateId, hash, depth, remaining, scanning);
                this.steps += n;
                return this.finish('ok');
              }
              entry = next[head];
              scanning = greedy;
              continue;
            }
            bits[op >> 5] &= ~(1 << (op & 31));
          }
          entry = next[entry];
          continue;
        }
      } else if (scanning) {
        // end of the candidates: the greedy pass is over, now the choices
        scanning = false;
        entry = next[head];
        continue;
      } else if (this.trackLongest) {
        // a return entry: its op must be linearized before anything later; backtrack
        this.recordLongest(depth, stateId, entry >> 1);
      }
      // backtrack to the last choice; greedy steps are undone on the way, since the
      // configuration before each is equivalent to the one after it
      let op: number;
      do {
        if (depth === 0) {
          this.save(entry, stateId, hash, depth, remaining, scanning);
          this.steps += n;
          return this.finish('illegal');
        }
        depth--;
        entry = stackEntry[depth];
        stateId = stackState[depth];
        op = entry >> 1;
        const r = match[entry];
        bits[op >> 5] &= ~(1 << (op & 31));
        hash = (hash ^ zobrist[op]) >>> 0;
        if (required[op] === 1) remaining++;
        // unlift: reinsert the return, then the call
        prev[next[r]] = r;
        next[prev[r]] = r;
        prev[next[entry]] = entry;
        next[prev[entry]] = entry;
      } while (stackGreedy[depth] === 1);
      // back in a configuration whose greedy pass is done: on to its next choice
      scanning = false;
      entry = next[entry];
    }
    this.save(entry, stateId, hash, depth, remaining, scanning);
    this.steps += n;
    return this.status;
  }

  private save(entry: number, stateId: number, hash: number, depth: number, remaining: number, scanning: boolean): void {
    this.entry = entry;
    this.scanning = scanning;
    this.stateId = stateId;
    this.hash = hash;
    this.depth = depth;
    this.remaining = remaining;
  }

  private finish(status: SearchStatus): SearchStatus {
    this.status = status;
    this.cache = null; // free the configurations: only the verdict is needed now
    return status;
  }

  private recordLongest(depth: number, stateId: number, blocked: number): void {
    if (depth < this.bestDepth) return;
    if (depth > this.bestDepth) {
      this.bestDepth = depth;
      this.longest.length = 0;
    } else if (this.longest.length >= this.maxLongest) return;
    const order = new Array<number>(depth);
    for (let i = 0; i < depth; i++) order[i] = this.stackEntry[i] >> 1;
    this.longest.push({ order, stateId, blocked });
  }
}

/** about this many ms of steps between two looks at the clock */
const CLOCK_MS = 2;

/** true if every op that `op` must follow is linearized (its bit is set) */
function ready(op: number, start: Int32Array, list: Int32Array, bits: Uint32Array): boolean {
  for (let k = start[op], end = start[op + 1]; k < end; k++) {
    const j = list[k];
    if ((bits[j >> 5] & (1 << (j & 31))) === 0) return false;
  }
  return true;
}

function csr(after: readonly (readonly number[] | undefined)[] | null, n: number): [Int32Array | null, Int32Array] {
  if (after === null || !after.some((a) => a !== undefined && a.length > 0)) return [null, new Int32Array(0)];
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + (after[i]?.length ?? 0);
  const list = new Int32Array(start[n]);
  for (let i = 0; i < n; i++) list.set(after[i] ?? [], start[i]);
  return [start, list];
}
