/**
 * Partition topologies as grudges (Jepsen's term): for each node, the nodes whose
 * traffic it drops. Pure: randomness comes from the caller's seeded PRNG.
 */
export type Grudge = Record<string, string[]>;
export type Topology =
  | 'one'
  | 'majority'
  | 'majorities-ring'
  | 'minority-third'
  | 'bridge'
  | 'one-way'
  | 'isolate-leader'
  | 'leader-minority'
  | 'leader-bridge';
export const TOPOLOGIES: readonly Topology[] = [
  'one',
  'majority',
  'majorities-ring',
  'minority-third',
  'bridge',
  'one-way',
  'isolate-leader',
  'leader-minority',
  'leader-bridge',
];
/** topologies defined by the leader: isolated, on the minority side of a majority split, or the only bridge between two halves */
export const LEADER_TOPOLOGIES: readonly Topology[] = ['isolate-leader', 'leader-minority', 'leader-bridge'];

export function shuffle<T>(xs: readonly T[], rand: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Both sides drop each other's traffic. */
export function split(a: readonly string[], b: readonly string[]): Grudge {
  const g: Grudge = {};
  for (const x of a) g[x] = [...b];
  for (const y of b) g[y] = [...a];
  return g;
}

/**
 * The grudge of a topology over these nodes. The leader-defined topologies fall back
 * to a random node when no leader is known; `bridge` picks a bridge other than the
 * leader when there is one (`leader-bridge` is the leader as the bridge).
 */
export function grudgeFor(topology: Topology, nodes: readonly string[], rand: () => number, leader: string | null): Grudge {
  const s = shuffle(nodes, rand);
  const n = nodes.length;
  // `s` with the leader (if any) moved to the front: a leader-defined topology puts it first
  const lead = leader && nodes.includes(leader) ? [leader, ...s.filter((x) => x !== leader)] : s;
  switch (topology) {
    case 'one':
      return split([s[0]], s.slice(1));
    case 'isolate-leader':
      return split([lead[0]], lead.slice(1));
    case 'leader-minority': {
      // the leader and others up to a minority on one side, a majority on the other
      const k = Math.max(1, Math.floor(n / 2));
      return split(lead.slice(0, k), lead.slice(k));
    }
    case 'leader-bridge':
      return bridgeOf(lead);
    case 'majority': {
      const k = Math.floor(n / 2); // minority size
      return split(s.slice(0, k), s.slice(k));
    }
    case 'minority-third': {
      const k = Math.max(1, Math.floor(n / 3));
      return split(s.slice(0, k), s.slice(k));
    }
    case 'majorities-ring': {
      // each node sees a majority (itself and its nearest ring neighbours), no two the same set
      const d = Math.ceil(Math.floor(n / 2) / 2);
      const g: Grudge = {};
      s.forEach((x, i) => {
        g[x] = s.filter((_, j) => Math.min((i - j + n) % n, (j - i + n) % n) > d);
      });
      return g;
    }
    case 'bridge':
      // a bridge other than the leader: rotate the leader away from the front
      return bridgeOf(leader && s[0] === leader && n > 1 ? [...s.slice(1), s[0]] : s);
    case 'one-way': {
      // the victim hears nobody, but everyone still hears it
      return { [s[0]]: s.slice(1) };
    }
  }
}

/** two halves that only one node, the first of `s` (the bridge), talks to both of */
function bridgeOf(s: readonly string[]): Grudge {
  const half = Math.floor((s.length - 1) / 2);
  const g = split(s.slice(1, 1 + half), s.slice(1 + half));
  g[s[0]] = [];
  return g;
}
