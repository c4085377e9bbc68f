import type { Operation } from '../../src/history/types.js';

/** A small deterministic PRNG (mulberry32) for building histories from a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function op(id: number, process: number, f: string, input: unknown, output: unknown, call: number, ret: number, outcome: Operation['outcome'] = 'ok'): Operation {
  return { id, process, f, input, output, outcome, call, ret: outcome === 'info' ? Infinity : ret, invokeIndex: -1, completeIndex: -1 };
}
