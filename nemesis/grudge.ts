/**
 * Partition topologies as grudges (Jepsen's term): for each node, the nodes whose
 * traffic it drops. Pure: randomness comes from the caller's seeded PRNG.
 */
export type Grudge = Record<string, string[]>;
export type Topology = 'one' | 'majority' | 'majorities-ring' | 'minority-third' | 'bridge' | 'isolate-leader' | 'one-way';
export const TOPOLOGIES: readonly Topology[] = ['one', 'majority', 'majorities-ring', 'minority-third', 'bridge', 'isolate-leader', 'one-way'];

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

export function grudgeFor(topology: Topology, nodes: readonly string[], rand: () => number, leader: string | null): Grudge {
  const s = shuffle(nodes, rand);
  const n = nodes.length;
  switch (topology) {
    case 'one':
      return split([s[0]], s.slice(1));
    case 'isolate-leader': {
      const l = leader ?? s[0];
      return split([l], nodes.filter((x) => x !== l));
    }
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
    case 'bridge': {
      // two halves that only one node (the bridge) talks to both of
      const bridge = s[0];
      const half = Math.floor((n - 1) / 2);
      const a = s.slice(1, 1 + half);
      const b = s.slice(1 + half);
      const g = split(a, b);
      g[bridge] = [];
      return g;
    }
    case 'one-way': {
      // the victim hears nobody, but everyone still hears it
      return { [s[0]]: s.slice(1) };
    }
  }
}
