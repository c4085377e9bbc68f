import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BinResult, faultlineBin } from '../support/cli.js';
import { DOCKER, leftovers, REQUIRE_DOCKER } from '../support/docker.js';
import { repoRoot } from '../support/fixtures.js';

const store = mkdtempSync(path.join(tmpdir(), 'faultline-e2e-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

type Result = BinResult;

const faultline = (args: string[], interruptAfterMs?: number, signal: NodeJS.Signals = 'SIGINT'): Promise<BinResult> =>
  faultlineBin(args, store, { interruptAfterMs, signal });

const run = (extra: string[], seed = '1'): string[] => [
  'run',
  '--nodes',
  '3',
  '--concurrency',
  '6',
  '--rate',
  '150',
  '--interval',
  '3',
  '--seed',
  seed,
  ...extra,
];

describe.runIf(DOCKER || REQUIRE_DOCKER)('faultline run against a real Docker cluster', () => {
  it('has a Docker engine (CI must not silently skip these tests)', () => {
    expect(DOCKER).toBe(true);
  });

  it('register with all faults is linearizable', async () => {
    const r = await faultline(run(['--workload', 'register', '--nemesis', 'all', '--time-limit', '25']));
    expect(r.stdout).toContain('checker    linearizable: valid');
    expect(r.code).toBe(0);
    const history = readFileSync(path.join(r.dir, 'history.jsonl'), 'utf8');
    expect(history).toContain('"process":"nemesis"'); // faults were really applied and recorded
    expect(JSON.parse(readFileSync(path.join(r.dir, 'results.json'), 'utf8')).valid).toBe(true);
  }, 180_000);

  it('set with all faults loses nothing', async () => {
    const r = await faultline(run(['--workload', 'set', '--nemesis', 'all', '--time-limit', '25']));
    expect(r.stdout).toMatch(/checker +set: valid \(lost 0, unexpected 0, stale 0/);
    expect(r.code).toBe(0);
  }, 180_000);

  it('bank with all faults conserves money', async () => {
    const r = await faultline(run(['--workload', 'bank', '--nemesis', 'all', '--time-limit', '25']));
    expect(r.stdout).toMatch(/checker +bank: valid \(\d+ reads, wrong totals 0, negative balances 0\)/);
    expect(r.code).toBe(0);
  }, 180_000);

  it('orders with all faults: every acknowledged order present, no overfill, conserved, price-time priority', async () => {
    const r = await faultline(run(['--workload', 'orders', '--nemesis', 'all', '--time-limit', '25']));
    expect(r.stdout).toMatch(
      /checker +orders: valid \([1-9]\d* acknowledged, missing 0, phantom 0, mismatched 0, overfilled 0, outside limits 0, conserved true, priority ok\)/,
    );
    expect(r.code).toBe(0);
  }, 180_000);

  it('catches read-mode=local under partitions (stale reads: not linearizable)', async () => {
    const r = await faultline(
      run([
        '--workload',
        'register',
        '--nemesis',
        'partition',
        '--partitions',
        'isolate-leader,majority',
        '--node-opt',
        'read-mode=local',
        '--time-limit',
        '30',
      ]),
    );
    expect(r.stdout).toContain('checker    linearizable: INVALID');
    expect(r.code).toBe(1);
  }, 180_000);

  it('catches ack=before-commit under leader isolation (acknowledged writes lost)', async () => {
    const r = await faultline(
      run(['--workload', 'set', '--nemesis', 'partition', '--partitions', 'isolate-leader', '--node-opt', 'ack=before-commit', '--time-limit', '30']),
    );
    expect(r.stdout).toMatch(/checker +set: INVALID \(lost [1-9]/);
    expect(r.code).toBe(1);
  }, 180_000);

  it('catches read-mode=lease under clock faults (a resumed leader trusts a lease its clock says is fresh)', async () => {
    const r = await faultline([
      'run',
      '--nodes',
      '3',
      '--concurrency',
      '12',
      '--rate',
      '400',
      '--interval',
      '4',
      '--seed',
      '11',
      '--workload',
      'register',
      '--nemesis',
      'clock',
      '--clock',
      'lease',
      '--node-opt',
      'read-mode=lease',
      '--time-limit',
      '60',
    ]);
    expect(r.stdout).toContain('checker    linearizable: INVALID');
    expect(r.code).toBe(1);
  }, 180_000);

  it('catches persist=none when cascading kills take a majority down (acknowledged writes lost on restart), within 3 tries', async () => {
    // the loss needs the two restarted (empty) nodes to elect one of them before the survivor
    // wins an election: a race, so up to three seeds, as CI runs every planted bug. A run the
    // election checker alone finds invalid (a forgotten vote: two leaders in one term) is caught
    // too, but not as lost writes, which is what this test is about: the next seed is tried.
    const lost = /checker +set: INVALID \(lost [1-9]/;
    const tries: Result[] = [];
    for (const seed of ['1', '2', '3']) {
      const r = await faultline(run(['--workload', 'set', '--scenario', 'cascading', '--node-opt', 'persist=none', '--time-limit', '20'], seed));
      tries.push(r);
      if (r.code === 1 && lost.test(r.stdout)) break;
    }
    const caught = tries.at(-1) as Result;
    expect(caught.stdout).toMatch(lost);
    expect(caught.code).toBe(1);
  }, 400_000);

  it('split-brain partitions and rolling restarts leave a safe cluster valid, with failover and heal times', async () => {
    const split = await faultline(run(['--workload', 'register', '--scenario', 'split-brain', '--time-limit', '18']));
    expect(split.stdout).toContain('checker    linearizable: valid');
    expect(split.stdout).toMatch(/healed +stop-partition@/);
    expect(split.code).toBe(0);
    const rolling = await faultline(run(['--workload', 'bank', '--scenario', 'rolling-restart', '--time-limit', '18']));
    expect(rolling.stdout).toContain('checker    bank: valid');
    const kills = readFileSync(path.join(rolling.dir, 'history.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"f":"start-kill"'));
    expect(kills.length).toBeGreaterThanOrEqual(2); // staggered waits: how many fit in 18 s varies
    expect(kills.map((l) => JSON.parse(l).value.nodes[0])).toEqual(['n1', 'n2', 'n3', 'n1', 'n2', 'n3'].slice(0, kills.length));
    expect(rolling.code).toBe(0);
  }, 240_000);

  it('clock strobe and drift are applied, measured on the nodes, and a safe cluster stays linearizable', async () => {
    const r = await faultline(run(['--workload', 'register', '--nemesis', 'clock', '--clock', 'strobe,drift', '--time-limit', '20']));
    expect(r.stdout).toContain('checker    linearizable: valid');
    const starts = readFileSync(path.join(r.dir, 'history.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"f":"start-clock"'))
      .map((l) => JSON.parse(l).value);
    expect(starts.length).toBeGreaterThan(0);
    for (const v of starts) {
      if (v.variant === 'strobe') for (const m of Object.values(v.measured) as number[]) expect(Math.abs(m - v.delta)).toBeLessThan(0.3);
      else for (const [node, m] of Object.entries(v.measured) as [string, { rate: number }][]) expect(Math.abs(m.rate - v.rates[node])).toBeLessThan(0.05);
    }
    expect(r.code).toBe(0);
  }, 180_000);

  it('two runs at once on one engine get their own networks and leave each other alone', async () => {
    const [a, b] = await Promise.all([
      faultline(run(['--workload', 'set', '--nemesis', 'kill', '--time-limit', '12', '--test-name', 'side-a'])),
      faultline(run(['--workload', 'set', '--nemesis', 'partition', '--time-limit', '12', '--test-name', 'side-b'])),
    ]);
    expect(a.stdout).toContain('verdict    valid');
    expect(b.stdout).toContain('verdict    valid');
    const subnet = (dir: string): string => JSON.parse(readFileSync(path.join(dir, 'test.json'), 'utf8')).subnet;
    expect(subnet(a.dir)).not.toBe(subnet(b.dir));
  }, 180_000);

  it('a controller killed with SIGKILL leaves its cluster behind, and the next run removes it', async () => {
    await faultline(run(['--workload', 'set', '--nemesis', 'partition', '--time-limit', '60', '--test-name', 'crashed']), 10_000, 'SIGKILL');
    expect(leftovers('faultline-crashed-').containers).not.toBe(''); // nothing could clean up after SIGKILL
    const next = await faultline(run(['--workload', 'set', '--nemesis', 'none', '--time-limit', '3', '--test-name', 'after-crash']));
    expect(next.code).toBe(0);
    expect(leftovers('faultline-crashed-')).toEqual({ containers: '', networks: '' });
  }, 180_000);

  it('an interrupted run (SIGINT) leaves no container, network or rule, and a readable history', async () => {
    const r = await faultline(run(['--workload', 'register', '--nemesis', 'partition', '--time-limit', '60', '--test-name', 'interrupted']), 15_000);
    expect(r.code).toBe(2);
    expect(leftovers('faultline-interrupted-')).toEqual({ containers: '', networks: '' });
    const check = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, [path.join(repoRoot, 'bin/faultline.js'), 'check', path.join(r.dir, 'history.jsonl'), '--json']);
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.on('exit', (code) => resolve({ code, out }));
    });
    expect([0, 1]).toContain(check.code); // a verdict, not a parse error
    expect(JSON.parse(check.out).ops).toBeGreaterThan(10);
  }, 180_000);

  it('an interrupted run whose output reader is gone (a killed pipeline, a closed terminal) still tears down', async () => {
    const child = spawn(process.execPath, [
      path.join(repoRoot, 'bin/faultline.js'),
      ...run(['--workload', 'register', '--nemesis', 'partition', '--time-limit', '60', '--test-name', 'orphaned']),
      '--store',
      store,
    ]);
    child.stdout.resume();
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 15_000));
    // the reader dies first, as when a bench or a pipeline is killed: every later write of the run's fails with EPIPE
    child.stdout.destroy();
    child.stderr.destroy();
    child.kill('SIGINT');
    expect(await exited).toBe(2);
    expect(leftovers('faultline-orphaned-')).toEqual({ containers: '', networks: '' });
  }, 180_000);
});
