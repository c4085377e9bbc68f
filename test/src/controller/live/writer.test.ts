import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../../../src/controller/config.js';
import type { LiveStatus } from '../../../../src/controller/live/status.js';
import { LiveStatusWriter } from '../../../../src/controller/live/writer.js';
import { Recorder } from '../../../../src/controller/recorder.js';
import type { NodeHealth } from '../../../../src/sut/types.js';
import { makeWorkload } from '../../../../workloads/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = (): LiveStatus => JSON.parse(readFileSync(path.join(dir, 'status.json'), 'utf8'));
const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the live status writer', () => {
  it('rewrites status.json at each tick with the ops recorded and the nodes polled, follows the phases, and ends with the verdict', async () => {
    const cfg = resolveRunConfig({ workload: 'set', nemesis: 'partition', seed: 1, timeLimit: 10 });
    const recorder = new Recorder(null);
    const seen: LiveStatus[] = [];
    let leader = 'n1';
    const cluster = {
      nodes: [{ id: 'n1' }, { id: 'n2' }],
      health: async (id: string): Promise<NodeHealth | null> => ({
        id,
        role: id === leader ? 'leader' : 'follower',
        term: 2,
        leader,
        commitIndex: 5,
        appliedIndex: 5,
      }),
    };
    const live = new LiveStatusWriter({ dir, cfg, recorder, workload: makeWorkload('set'), onStatus: (s) => seen.push(s), everyMs: 30, checkEveryMs: 0 });
    expect(read()).toMatchObject({ phase: 'starting', test: 'set-partition', nodes: [], elapsedS: null });
    live.watch(cluster);
    live.startLoad(recorder.now());
    recorder.record({ type: 'invoke', process: 0, f: 'add', value: 1 });
    recorder.record({ type: 'ok', process: 0, f: 'add', value: 1 });
    recorder.record({ type: 'info', process: 'nemesis', f: 'start-partition', value: { grudge: {} } });
    recorder.record({ type: 'invoke', process: 1, f: 'read', value: null });
    recorder.record({ type: 'ok', process: 1, f: 'read', value: [] }); // misses 1: stale
    await until(() => read().online.anomalies.length > 0 && read().leader === 'n1');
    let s = read();
    expect(s).toMatchObject({ phase: 'load', ops: { invoked: 2, ok: 2 }, faults: { total: 1 } });
    expect(s.nodes.map((n) => n.role)).toEqual(['leader', 'follower']);
    expect(s.online.anomalies[0].text).toMatch(/misses 1 element/);
    leader = 'n2';
    await until(() => read().leader === 'n2');
    live.setPhase('recovering');
    expect(read().phase).toBe('recovering');
    live.finish('done', false);
    s = read();
    expect(s).toMatchObject({ phase: 'done', valid: false });
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.length).toBe(count); // no tick after the end
    expect(seen.some((x) => x.phase === 'load')).toBe(true);
  });

  it('a status that cannot be written is told once and does not stop the run', async () => {
    const gone = path.join(dir, 'missing', 'dir');
    const warnings: string[] = [];
    const live = new LiveStatusWriter({
      dir: gone,
      cfg: resolveRunConfig({ seed: 1 }),
      recorder: new Recorder(null),
      workload: makeWorkload('register'),
      everyMs: 10,
      warn: (m) => warnings.push(m),
    });
    await new Promise((r) => setTimeout(r, 80));
    live.finish('aborted');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cannot write the live status: ENOENT/);
  });
});
