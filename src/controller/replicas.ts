import type { Reading } from '../../checkers/replicas.js';
import type { StateDigest, SutNode } from '../sut/types.js';
import { sleep } from './workers.js';

/**
 * Every node's state digest, read together once the load and the final reads are over
 * (checkers/replicas.ts compares them). Nodes still applying are read again until all
 * report one log position or `timeoutMs` runs out; the last readings are returned
 * either way, and the checker compares the nodes that share a position.
 */
export async function readDigests(
  nodes: readonly SutNode[],
  digest: (node: SutNode, timeoutMs: number) => Promise<StateDigest | null>,
  timeoutMs: number,
): Promise<Reading[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ds = await Promise.all(nodes.map((n) => digest(n, 1000)));
    const readings: Reading[] = nodes.map((n, i) => {
      const d = ds[i];
      return d ? { node: n.id, index: d.index, digest: d.digest } : { node: n.id, missing: 'no answer' };
    });
    const indexes = new Set(ds.map((d) => d?.index ?? -1));
    if ((indexes.size === 1 && !indexes.has(-1)) || Date.now() >= end) return readings;
    await sleep(250);
  }
}
