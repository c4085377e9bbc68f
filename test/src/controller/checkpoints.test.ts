import { describe, expect, it } from 'vitest';
import { checkCheckpoints } from '../../../checkers/checkpoints.js';
import { CheckpointWatch } from '../../../src/controller/checkpoints.js';
import type { StateDigest } from '../../../src/sut/types.js';

const nodes = ['n1', 'n2', 'n3'].map((id) => ({ id }));
const cp = (...xs: [number, string][]): StateDigest[] => xs.map(([index, digest]) => ({ index, digest }));

/** a watch whose polls are driven by the test (observe) rather than by its timer */
function idleWatch(): CheckpointWatch<{ id: string }> {
  let t = 0;
  const w = new CheckpointWatch(
    nodes,
    async () => [],
    60_000,
    () => ++t,
  );
  void w.stop();
  return w;
}

describe('the checkpoint watch', () => {
  it('folds a position once every node reported one digest, and does not count it again at later polls', () => {
    const w = idleWatch();
    w.observe('n1', cp([100, 'a'], [200, 'b']));
    w.observe('n2', cp([100, 'a']));
    expect(w.agreed).toBe(0);
    w.observe('n3', cp([100, 'a'], [200, 'b']));
    w.observe('n1', cp([100, 'a'], [200, 'b'])); // the same checkpoints again at the next poll
    expect(w.agreed).toBe(1);
    expect([...w.open.keys()]).toEqual([200]);
    expect(checkCheckpoints(w)).toEqual({ valid: true, compared: 2, diverged: 0 });
  });

  it('reopens a folded position when a node later reports another digest there (e.g. after a restart)', () => {
    const w = idleWatch();
    for (const n of nodes) w.observe(n.id, cp([100, 'a']));
    expect(w.agreed).toBe(1);
    w.observe('n2', cp([100, 'z']));
    expect(w.agreed).toBe(0);
    const r = checkCheckpoints(w);
    expect(r.valid).toBe(false);
    expect(r.first).toEqual({
      index: 100,
      groups: [
        { digest: 'a', nodes: ['n1', 'n2', 'n3'] },
        { digest: 'z', nodes: ['n2'] },
      ],
    });
  });

  it('polls every node until stopped, then once more; a node that does not answer is skipped', async () => {
    const polls = new Map<string, number>();
    const read = async (n: { id: string }): Promise<StateDigest[] | null> => {
      polls.set(n.id, (polls.get(n.id) ?? 0) + 1);
      if (n.id === 'n3') return null;
      return cp([100 * (polls.get(n.id) as number), 'same']);
    };
    const w = new CheckpointWatch(nodes, read, 5, () => 0);
    await new Promise((r) => setTimeout(r, 60));
    await w.stop();
    expect(polls.get('n1')).toBeGreaterThanOrEqual(2);
    expect(polls.get('n3')).toBe(polls.get('n1'));
    expect(w.agreed).toBe(0); // n3 never answered: nothing is complete
    expect(checkCheckpoints(w).valid).toBe(true); // n1 and n2 agree at every position both reported
  });
});
