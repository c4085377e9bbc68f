import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A temporary results store with a valid run, an invalid one (with a violation page
 * and node logs), an unfinished one (no results.json), `latest` links at both
 * levels as store.ts makes them, and a symlink leading out of the store.
 */
/** A live status as the controller writes it, updated now. */
export function liveStatus(over: object = {}): object {
  return {
    version: 1,
    test: 'bank-kill',
    workload: 'bank',
    nemesis: 'kill',
    phase: 'load',
    started: new Date().toISOString(),
    updated: new Date().toISOString(),
    elapsedS: 12.5,
    timeLimitS: 30,
    nodes: [
      { id: 'n1', up: true, role: 'leader', term: 4, commitIndex: 120, appliedIndex: 119, leader: 'n1' },
      { id: 'n2', up: false, role: null, term: null, commitIndex: null, appliedIndex: null, leader: null },
      { id: 'n3', up: true, role: 'follower', term: 4, commitIndex: 118, appliedIndex: 118, leader: 'n1' },
    ],
    leader: 'n1',
    ops: { invoked: 400, ok: 380, fail: 10, info: 5 },
    opsPerSecond: 31,
    series: Array.from({ length: 13 }, (_, t) => ({ t, ok: 30, fail: t % 4, info: t === 7 ? 2 : 0, p50: 2 + (t % 3), p99: t === 7 ? null : 20 + t })),
    faults: { inForce: [{ f: 'kill', sinceS: 8.2, value: { nodes: ['n2'] } }], applied: [{ f: 'kill', atS: 8.2, value: { nodes: ['n2'] } }], total: 1 },
    online: {
      covers: 'every read of the balances',
      progress: '40 reads',
      anomalies: [{ checker: 'bank', index: 77, atS: 11, text: 'the read at history index 77 adds up to 90, not 100 <img src=x onerror=alert(1)>' }],
    },
    ...over,
  };
}

export function fakeStore(): { store: string; outside: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'faultline-serve-'));
  const store = path.join(base, 'results');
  const outside = path.join(base, 'secret.txt');
  writeFileSync(outside, 'not yours\n');
  const run = (test: string, stamp: string, cfg: object, results?: object, extra: Record<string, string> = {}): string => {
    const dir = path.join(store, test, stamp);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'test.json'), JSON.stringify({ testName: test, nodes: 3, ...cfg }));
    writeFileSync(path.join(dir, 'history.jsonl'), '{"index":0,"time":1,"type":"invoke","process":0,"f":"read","value":null}\n');
    if (results) writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results));
    for (const [name, text] of Object.entries(extra)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  };
  run(
    'register-all',
    '2025-01-01T100000',
    { workload: 'register', families: ['partition', 'kill'], nodeOpts: {}, started: '2025-01-01T10:00:00.123Z' },
    { valid: true, run: { counts: { ok: 90, fail: 5, info: 5 }, throughput: { opsPerSecond: 42 } } },
    { 'timeline.html': '<html>t</html>', 'latency.svg': '<svg/>' },
  );
  run(
    'register-partition',
    '2025-01-02T100000',
    { workload: 'register', families: ['partition'], nodeOpts: { 'read-mode': 'local' } },
    { valid: false, run: { counts: { ok: 10, fail: 0, info: 1 } } },
    { 'linearizability.html': '<html>bad</html>', 'nodes/n1/node.log': 'n1 log\n', 'nodes/n2/node.log': 'n2 log\n' },
  );
  run('set-none', '2025-01-03T100000', { workload: 'set', families: [] });
  // a run in progress: its status is fresh, it has no results; its history shows a kill applied
  const live = run(
    'bank-kill',
    '2025-01-04T100000',
    { workload: 'bank', families: ['kill'], sut: 'exchange', sutOpts: { ack: 'before-commit' }, timeLimitS: 30 },
    undefined,
    {
      'history.jsonl': `${JSON.stringify({ index: 0, time: 1, type: 'info', process: 'nemesis', f: 'start-kill', value: { nodes: ['n2'] } })}\n`,
    },
  );
  writeFileSync(path.join(live, 'status.json'), JSON.stringify(liveStatus()));
  // a campaign of the first two runs
  const campaign = path.join(store, 'nightly', '2025-01-05T100000');
  mkdirSync(campaign, { recursive: true });
  writeFileSync(
    path.join(campaign, 'campaign.json'),
    JSON.stringify({
      name: 'nightly',
      file: 'campaigns/nightly.json',
      started: '2025-01-05T10:00:00.000Z',
      finished: '2025-01-05T10:05:00.000Z',
      stopped: false,
      valid: false,
      exitCode: 1,
      runs: [
        {
          run: 1,
          testName: 'register-all',
          workload: 'register',
          nemesis: 'partition,kill',
          nodeOpts: '',
          expect: 'valid',
          verdict: 'valid',
          status: 'met',
          dir: path.join(store, 'register-all', '2025-01-01T100000'),
          opsPerSecond: 42,
          elapsedS: 35,
          anomalies: [],
          config: { families: ['partition', 'kill'] },
        },
        {
          run: 2,
          testName: 'register-partition',
          workload: 'register',
          nemesis: 'partition',
          nodeOpts: 'read-mode=local',
          expect: 'valid',
          verdict: 'invalid',
          status: 'unmet',
          dir: path.join(store, 'register-partition', '2025-01-02T100000'),
          opsPerSecond: 9,
          elapsedS: 31,
          anomalies: ['linearizable: not linearizable at key 1: <b>read</b>'],
          config: { families: ['partition'] },
        },
      ],
    }),
  );
  mkdirSync(path.join(store, 'cluster', 'n1'), { recursive: true }); // `faultline cluster up` data: not a run
  symlinkSync('2025-01-02T100000', path.join(store, 'register-partition', 'latest'));
  symlinkSync(path.join('set-none', '2025-01-03T100000'), path.join(store, 'latest'));
  symlinkSync(outside, path.join(store, 'register-all', '2025-01-01T100000', 'escape.txt'));
  symlinkSync(base, path.join(store, 'register-all', 'up'));
  return { store, outside };
}
