/**
 * Jepsen-style generators: small composable sources of operations, pulled by the
 * controller's client workers. A generator is asked for the next op with a context
 * (time, the asking thread, its process, a seeded PRNG) and answers an op, PENDING
 * (nothing for this thread right now: ask again later) or null (exhausted). Ops may
 * carry `at` (ms since the load started): the worker waits until then before invoking,
 * which is how `stagger` and `delay` pace the load. `update` hears every completion,
 * so `phases` can wait for a phase's ops to finish and `untilOk` can stop.
 *
 * Generators hold their own state (they are used once); all randomness comes from
 * `ctx.rand`, so a seed reproduces a run's choices.
 */

export interface GenOp {
  f: string;
  value: unknown;
  /** earliest time to invoke, ms since the load started */
  at?: number;
}

export interface GenContext {
  /** ms since the load started */
  time: number;
  /** worker index, 0..concurrency-1 (stable for the whole run) */
  thread: number;
  /** the thread's current Jepsen process id */
  process: number;
  rand: () => number;
}

/** a completed op, as the controller reports it back to the generator */
export interface GenEvent {
  thread: number;
  type: 'ok' | 'fail' | 'info';
  f: string;
}

export const PENDING = 'pending' as const;
export type Next = GenOp | typeof PENDING | null;

export interface Generator {
  next(ctx: GenContext): Next;
  update?(event: GenEvent): void;
}

/** An endless source of ops from a function of the context. */
export function fn(make: (ctx: GenContext) => GenOp | null): Generator {
  let done = false;
  return {
    next(ctx) {
      if (done) return null;
      const op = make(ctx);
      if (op === null) done = true;
      return op;
    },
  };
}

/** The same op forever, or `times` times. */
export function repeat(op: GenOp, times = Infinity): Generator {
  let left = times;
  return { next: () => (left-- > 0 ? { ...op } : null) };
}

/** Exactly one op (to one thread). */
export const once = (op: GenOp): Generator => repeat(op, 1);

/** At most `n` ops from `gen`. */
export function limit(n: number, gen: Generator): Generator {
  let left = n;
  return {
    next(ctx) {
      if (left <= 0) return null;
      const op = gen.next(ctx);
      if (op !== null && op !== PENDING) left--;
      return op;
    },
    update: (e) => gen.update?.(e),
  };
}

/** Ops from `gen` until `ms` have passed since the first request. */
export function timeLimit(ms: number, gen: Generator): Generator {
  let end = -1;
  return {
    next(ctx) {
      if (end < 0) end = ctx.time + ms;
      if (ctx.time >= end) return null;
      const op = gen.next(ctx);
      if (op !== null && op !== PENDING && op.at !== undefined && op.at >= end) return null;
      return op;
    },
    update: (e) => gen.update?.(e),
  };
}

/**
 * Picks one of `gens` at random for each op (weighted, default equal); an exhausted
 * generator drops out. PENDING only if every live one is pending.
 */
export function mix(gens: Generator[], weights?: number[]): Generator {
  const live = gens.map((g, i) => ({ g, w: weights?.[i] ?? 1 }));
  return {
    next(ctx) {
      const tried = new Set<number>();
      while (live.length > tried.size) {
        let total = 0;
        for (let i = 0; i < live.length; i++) if (!tried.has(i)) total += live[i].w;
        let x = ctx.rand() * total;
        let pick = -1;
        for (let i = 0; i < live.length; i++) {
          if (tried.has(i)) continue;
          pick = i;
          x -= live[i].w;
          if (x < 0) break;
        }
        const op = live[pick].g.next(ctx);
        if (op === null) {
          live.splice(pick, 1);
          tried.clear();
          continue;
        }
        if (op !== PENDING) return op;
        tried.add(pick);
      }
      return live.length === 0 ? null : PENDING;
    },
    update(e) {
      for (const { g } of live) g.update?.(e);
    },
  };
}

/**
 * Paces ops from `gen` at random intervals averaging `meanMs` (uniform on
 * [0, 2·meanMs]), across all threads: a target rate of 1000/meanMs ops/s.
 */
export function stagger(meanMs: number, gen: Generator): Generator {
  return paced(gen, (ctx) => ctx.rand() * 2 * meanMs);
}

/** Paces ops from `gen` exactly `ms` apart, across all threads. */
export const delay = (ms: number, gen: Generator): Generator => paced(gen, () => ms);

function paced(gen: Generator, gap: (ctx: GenContext) => number): Generator {
  let nextAt = -1;
  return {
    next(ctx) {
      const op = gen.next(ctx);
      if (op === null || op === PENDING) return op;
      // a slot is never in the past: a stalled cluster does not cause a burst afterwards
      const at = Math.max(nextAt, ctx.time, op.at ?? 0);
      nextAt = at + gap(ctx);
      return { ...op, at };
    },
    update: (e) => gen.update?.(e),
  };
}

/**
 * Runs generators one after another; each phase starts only when every op of the
 * previous one has completed (Jepsen's phases / synchronize).
 */
export function phases(...gens: Generator[]): Generator {
  let i = 0;
  let inflight = 0;
  return {
    next(ctx) {
      while (i < gens.length) {
        const op = gens[i].next(ctx);
        if (op === null) {
          if (inflight > 0) return PENDING;
          i++;
          continue;
        }
        if (op !== PENDING) inflight++;
        return op;
      }
      return null;
    },
    update(e) {
      inflight = Math.max(0, inflight - 1);
      gens[i]?.update?.(e);
    },
  };
}

/** Each thread draws from its own copy of the generator (made on first use). */
export function eachThread(make: (thread: number) => Generator): Generator {
  const copies = new Map<number, Generator>();
  return {
    next(ctx) {
      let g = copies.get(ctx.thread);
      if (!g) copies.set(ctx.thread, (g = make(ctx.thread)));
      return g.next(ctx);
    },
    update: (e) => copies.get(e.thread)?.update?.(e),
  };
}

/**
 * Jepsen's reserve: the first `count` threads take ops from `gen`, the rest from
 * `rest`, e.g. reserve(2, writes, reads) dedicates two threads to writes.
 */
export function reserve(count: number, gen: Generator, rest: Generator): Generator {
  return {
    next: (ctx) => (ctx.thread < count ? gen : rest).next(ctx),
    update: (e) => (e.thread < count ? gen : rest).update?.(e),
  };
}

/**
 * Ops from `gen` until one completes ok (e.g. a final read retried through a
 * recovering cluster); one op in flight at a time.
 */
export function untilOk(gen: Generator): Generator {
  let done = false;
  let inflight = false;
  return {
    next(ctx) {
      if (done) return null;
      if (inflight) return PENDING;
      const op = gen.next(ctx);
      if (op !== null && op !== PENDING) inflight = true;
      return op;
    },
    update(e) {
      inflight = false;
      if (e.type === 'ok') done = true;
      gen.update?.(e);
    },
  };
}

/** Drains up to `n` ops from a generator, threads taking turns, each op completing ok at once (tests and previews). */
export function take(gen: Generator, n: number, rand: () => number, threads = 1): GenOp[] {
  const out: GenOp[] = [];
  for (let k = 0, misses = 0; out.length < n && misses < 1000; k++) {
    const thread = k % threads;
    const op = gen.next({ time: out.at(-1)?.at ?? 0, thread, process: thread, rand });
    if (op === null) break;
    if (op === PENDING) {
      misses++;
      continue;
    }
    misses = 0;
    out.push(op);
    gen.update?.({ thread, type: 'ok', f: op.f });
  }
  return out;
}
