import { shuffle } from './grudge.js';

/**
 * Jepsen's `:targets`: which nodes a fault hits, chosen when it is applied from the
 * live cluster (who leads right now). `leader` is Jepsen's `primaries`. Pure:
 * randomness comes from the caller's seeded PRNG.
 */
export type Target = 'one' | 'leader' | 'minority' | 'majority' | 'minority-third' | 'all';
export const TARGETS: readonly Target[] = ['one', 'leader', 'minority', 'majority', 'minority-third', 'all'];

/** a weighted choice: [value, weight] pairs, weights need not sum to 1 */
export function weighted<T>(choices: readonly (readonly [T, number])[], rand: () => number): T {
  const total = choices.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [v, w] of choices) if ((x -= w) < 0) return v;
  return choices[choices.length - 1][0];
}

export const majoritySize = (n: number): number => Math.floor(n / 2) + 1;
/** the largest minority: half the nodes rounded down, at least one */
export const minoritySize = (n: number): number => Math.max(1, Math.floor(n / 2));

/** The nodes a target names. With no leader known, `leader` falls back to one random node. */
export function resolveTarget(target: Target, nodes: readonly string[], leader: string | null, rand: () => number): string[] {
  const s = shuffle(nodes, rand);
  const n = nodes.length;
  switch (target) {
    case 'one':
      return s.slice(0, 1);
    case 'leader':
      return leader && nodes.includes(leader) ? [leader] : s.slice(0, 1);
    case 'minority':
      return s.slice(0, 1 + Math.floor(rand() * minoritySize(n)));
    case 'majority':
      return s.slice(0, Math.min(n, majoritySize(n)));
    case 'minority-third':
      return s.slice(0, Math.max(1, Math.floor(n / 3)));
    case 'all':
      return s;
  }
}

/**
 * Process faults' targets (kill), as cards of a deck (nemesis/deck.ts): Jepsen's db
 * nemesis draws its targets alike from one, primaries, minority, majority and all; here
 * the leader (Jepsen's primaries) has two cards, as bugs hide where the leader changes.
 * A majority or every node at once (a whole-cluster crash) is what finds state kept only
 * in memory, or a term forgotten by every node. With these cards about two thirds of kills hit
 * the current leader (the leader itself, or a set that holds it).
 */
export const PROCESS_TARGETS: readonly (readonly [Target, number])[] = [
  ['leader', 2],
  ['one', 1],
  ['minority', 1],
  ['majority', 1],
  ['all', 1],
];

/**
 * Pause targets: those of kill but never every node — pausing the whole cluster stops
 * time for it (nothing happens until all resume; a measured 60 s run lost 20 s to it),
 * while killing every node still tests what survives a restart.
 */
export const PAUSE_TARGETS: readonly (readonly [Target, number])[] = [
  ['leader', 2],
  ['one', 1],
  ['minority', 1],
  ['majority', 1],
];

/**
 * power cuts: most often a minority of followers and then, in turn, the leader (the
 * nodes that acknowledged the last writes, the leader last: what loses data whose
 * fsync had not completed); else the leader alone, a minority, or everything (a
 * datacenter outage). Cards of a deck.
 */
export type PowerCutTarget = Target | 'minority-then-leader';
export const POWER_CUT_TARGETS: readonly (readonly [PowerCutTarget, number])[] = [
  ['minority-then-leader', 2],
  ['leader', 1],
  ['minority', 1],
  ['all', 1],
];

/** corruption: the leader or any one node, half the time each */
export const CORRUPT_TARGETS: readonly (readonly [Target, number])[] = [
  ['leader', 0.5],
  ['one', 0.5],
];

/** clock and loss faults: on the leader half the time, else on a minority or one node */
export const SKEW_TARGETS: readonly (readonly [Target, number])[] = [
  ['leader', 0.5],
  ['minority', 0.3],
  ['one', 0.2],
];
