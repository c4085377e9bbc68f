import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lazyfsMounts } from '../../nemesis/lazyfs.js';
import { type BinResult, faultlineBin } from '../support/cli.js';
import { DOCKER, leftovers, REQUIRE_DOCKER } from '../support/docker.js';

/**
 * The disk faults end to end: `faultline run --nemesis power-cut,corrupt` against a
 * Docker cluster whose data directories are on faultline-lazyfs. Three nodes and a
 * slow disk (--sync-delay 5: every fsync takes 5 ms), so the cut nodes (a minority,
 * then the leader) form a majority and an fsync is often in flight at the cut.
 */
const store = mkdtempSync(path.join(tmpdir(), 'faultline-e2e-disk-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

type Result = BinResult;

const faultline = (args: string[], interruptAfterMs?: number): Promise<BinResult> => faultlineBin(args, store, { interruptAfterMs });

const run = (extra: string[], seed = '21', timeLimit = '30'): string[] => [
  'run',
  '--nodes',
  '3',
  '--concurrency',
  '10',
  '--rate',
  '200',
  '--interval',
  '3',
  '--sync-delay',
  '5',
  '--seed',
  seed,
  '--time-limit',
  timeLimit,
  ...extra,
];

/** up to three seeds: a planted bug is caught by a race between the restarted nodes and the survivor */
async function caught(args: string[]): Promise<Result> {
  let r: Result | null = null;
  for (const seed of ['21', '22', '23']) {
    r = await faultline(run(args, seed));
    if (r.code === 1) break;
  }
  return r as Result;
}

describe.runIf(DOCKER || REQUIRE_DOCKER)('power-cut and corrupt against a real Docker cluster', () => {
  it('the safe node stays valid through power cuts and corruptions; each cut says what it lost; no mount is left', async () => {
    const r = await faultline(run(['--workload', 'set', '--nemesis', 'power-cut,corrupt', '--test-name', 'disk-safe']));
    expect(r.stdout).toMatch(/checker +set: valid \(lost 0, unexpected 0, stale 0/);
    expect(r.stdout).toMatch(/power cuts [1-9]\d*, \d+ bytes not yet durable lost in all:/);
    expect(r.stdout).toMatch(/@[\d.]+s n\d.*: \d+ B unsynced in \d+ files?, \d+ B of \d+ fsyncs? cut short/);
    expect(r.code).toBe(0);
    const history = readFileSync(path.join(r.dir, 'history.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const cuts = history.filter((o) => o.f === 'start-power-cut');
    expect(cuts.length).toBeGreaterThan(0);
    for (const c of cuts) for (const node of c.value.nodes) expect(c.value.lost[node]).toHaveProperty('syncsInterrupted');
    // under load a node fsyncs every few ms: the cuts land as one is about to return, and undo it
    const atSync = cuts.flatMap((c) => c.value.nodes.map((node: string) => c.value.lost[node])).filter((l) => l.atSync);
    expect(atSync.length).toBeGreaterThan(0);
    for (const l of atSync) expect(l.syncsInterrupted).toBeGreaterThan(0);
    expect(lazyfsMounts().filter((m) => m.startsWith(store))).toEqual([]);
    expect(existsSync(path.join(r.dir, 'nodes', 'n1', 'data', 'wal.log'))).toBe(true); // the durable files stay in the run's store
  }, 240_000);

  it('catches --node-opt fsync=never with set (acknowledged adds lost)', async () => {
    const r = await caught(['--workload', 'set', '--nemesis', 'power-cut', '--node-opt', 'fsync=never']);
    expect(r.stdout).toMatch(/checker +set: INVALID \(lost [1-9]/);
    expect(r.code).toBe(1);
  }, 600_000);

  it('catches --node-opt fsync=never with bank (reads whose balances do not add up)', async () => {
    const r = await caught(['--workload', 'bank', '--nemesis', 'power-cut', '--node-opt', 'fsync=never']);
    expect(r.stdout).toMatch(/checker +bank: INVALID \(\d+ reads, wrong totals [1-9]/);
    expect(r.code).toBe(1);
  }, 600_000);

  it('catches --node-opt fsync=after-ack with set (acknowledged adds lost)', async () => {
    const r = await caught(['--workload', 'set', '--nemesis', 'power-cut', '--node-opt', 'fsync=after-ack']);
    expect(r.stdout).toMatch(/checker +set: INVALID \(lost [1-9]/);
    expect(r.code).toBe(1);
  }, 600_000);

  it('an interrupted run (SIGINT) unmounts every power-cut layer and removes its containers', async () => {
    const r = await faultline(run(['--workload', 'set', '--nemesis', 'power-cut', '--test-name', 'disk-interrupted'], '21', '60'), 12_000);
    expect(r.code).toBe(2);
    expect(lazyfsMounts().filter((m) => m.startsWith(store))).toEqual([]);
    expect(leftovers('faultline-disk-interrupted-')).toEqual({ containers: '', networks: '' });
  }, 180_000);
});
