import { describe, expect, it } from 'vitest';
import { BankOnline } from '../../../../src/controller/live/online.js';
import { progressLine, TerminalProgress } from '../../../../src/controller/live/progress.js';
import { StatusTracker } from '../../../../src/controller/live/status.js';
import type { Op } from '../../../../src/history/types.js';
import type { NodeHealth } from '../../../../src/sut/types.js';

const S = 1e9;
const meta = { test: 'bank-all', workload: 'bank', nemesis: 'partition,kill', timeLimitS: 30, started: new Date('2025-01-01T00:00:00Z') };
let index = 0;
const op = (time: number, type: Op['type'], process: number | 'nemesis', f: string, value: unknown = null): Op => ({
  index: index++,
  time,
  type,
  process,
  f,
  value,
});
const health = (id: string, role: NodeHealth['role'], term: number): NodeHealth => ({
  id,
  role,
  term,
  leader: role === 'leader' ? id : 'n1',
  commitIndex: 10,
  appliedIndex: 9,
});

describe('the live status', () => {
  it('counts ops, rates and latencies per second over the last minute, the faults in force and applied, the nodes and the leader', () => {
    const t = new StatusTracker(meta, new BankOnline(100));
    const load = 5 * S; // the load starts 5 s after the recorder
    t.startLoad(load);
    const ops: Op[] = [];
    // 70 s of load: 10 reads a second, each 20 ms; then a partition at 65 s and a kill at 66 s, the partition healed at 68 s
    for (let s = 0; s < 70; s++) {
      for (let k = 0; k < 10; k++) {
        const at = load + s * S + k * 0.1 * S;
        ops.push(op(at, 'invoke', k, 'read'), op(at + 0.02 * S, k === 9 && s === 69 ? 'fail' : 'ok', k, 'read', { a: 50, b: s === 69 && k === 0 ? 40 : 50 }));
      }
    }
    ops.push(
      op(load + 65 * S, 'info', 'nemesis', 'start-partition', { grudge: { n1: ['n2'] } }),
      op(load + 66 * S, 'info', 'nemesis', 'start-kill', { nodes: ['n3'] }),
      op(load + 68 * S, 'info', 'nemesis', 'stop-partition', {}),
    );
    ops.sort((a, b) => a.time - b.time);
    t.ingest(ops.slice(0, 300));
    t.ingest(ops); // the rest, each op once
    t.observe(['n1', 'n2', 'n3'], [health('n1', 'leader', 3), health('n2', 'follower', 3), null]);
    t.check(load + 70 * S);
    const s = t.snapshot('load', load + 69.5 * S, new Date('2025-01-01T00:01:20Z'));
    expect(s).toMatchObject({
      version: 1,
      test: 'bank-all',
      phase: 'load',
      elapsedS: 69.5,
      timeLimitS: 30,
      leader: 'n1',
      opsPerSecond: 10,
      updated: '2025-01-01T00:01:20.000Z',
    });
    expect(s.ops).toEqual({ invoked: 700, ok: 699, fail: 1, info: 0 });
    expect(s.series).toHaveLength(60);
    expect(s.series[0].t).toBe(10);
    expect(s.series[59]).toEqual({ t: 69, ok: 9, fail: 1, info: 0, p50: 20, p99: 20 });
    expect(s.nodes.map((n) => [n.id, n.up, n.role])).toEqual([
      ['n1', true, 'leader'],
      ['n2', true, 'follower'],
      ['n3', false, null],
    ]);
    expect(s.faults.inForce).toEqual([{ f: 'kill', sinceS: 66, value: { nodes: ['n3'] } }]);
    expect(s.faults.applied.map((a) => [a.f, a.atS])).toEqual([
      ['partition', 65],
      ['kill', 66],
    ]);
    expect(s.online.covers).toMatch(/every read of the balances/);
    expect(s.online.anomalies).toEqual([{ checker: 'bank', index: expect.any(Number), atS: 69, text: expect.stringMatching(/adds up to 90, not 100/) }]);
    expect(progressLine(s, 'run 2/9 · ')).toBe('run 2/9 · 30/30 s · 10 ops/s · faults kill · leader n1 · 1 ANOMALY');
  });

  it('before the load: no series, no rate; and a workload without an online check says so', () => {
    const t = new StatusTracker(meta, null, 'none: final state only');
    const s = t.snapshot('starting', 3 * S);
    expect(s).toMatchObject({ elapsedS: null, opsPerSecond: 0, series: [], leader: null, online: { covers: 'none: final state only', anomalies: [] } });
    expect(progressLine(s)).toBe('starting · -/30 s · 0 ops/s · faults none · leader none');
  });

  it('the terminal progress redraws one line on a TTY and writes nothing elsewhere', () => {
    const s = new StatusTracker(meta, null).snapshot('load', 0);
    const tty: string[] = [];
    const p = new TerminalProgress({ isTTY: true, columns: 30, write: (x: string) => tty.push(x) });
    p.update(s);
    p.clear();
    expect(tty).toEqual(['\r\x1b[2K-/30 s · 0 ops/s · faults no…', '\r\x1b[2K']);
    const pipe: string[] = [];
    const q = new TerminalProgress({ isTTY: false, write: (x: string) => pipe.push(x) });
    q.update(s);
    q.clear();
    expect(pipe).toEqual([]);
  });
});
