import { describe, expect, it } from 'vitest';
import { readDigests } from '../../../src/controller/replicas.js';
import type { StateDigest, SutNode } from '../../../src/sut/types.js';

const nodes: SutNode[] = ['n1', 'n2', 'n3'].map((id, i) => ({ id, ip: `10.0.0.${i + 1}` }));

describe('reading the replicas’ digests', () => {
  it('reads again while a node is still applying, and returns once all share a position', async () => {
    let calls = 0;
    const digest = async (n: SutNode): Promise<StateDigest | null> => {
      calls++;
      // n3 catches up on its third reading
      const behind = n.id === 'n3' && calls <= 7;
      return { index: behind ? 9 : 10, digest: `d${behind ? 9 : 10}` };
    };
    const rs = await readDigests(nodes, digest, 10_000);
    expect(rs).toEqual(nodes.map((n) => ({ node: n.id, index: 10, digest: 'd10' })));
    expect(calls).toBe(9);
  });

  it('gives up after its time and returns what it read, a silent node as missing', async () => {
    const rs = await readDigests(nodes, async (n) => (n.id === 'n2' ? null : { index: 4, digest: 'x' }), 300);
    expect(rs).toEqual([
      { node: 'n1', index: 4, digest: 'x' },
      { node: 'n2', missing: 'no answer' },
      { node: 'n3', index: 4, digest: 'x' },
    ]);
  });
});
