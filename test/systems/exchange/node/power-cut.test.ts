import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../../../systems/exchange/local-cluster.js';
import { FUSE } from '../../../support/fuse.js';
import {
  BANK_TOTAL,
  bankLoad,
  type CutCluster,
  createBankAccounts,
  cutMinorityThenLeader,
  setLoad,
  settleAndReadSet,
  startOnLazyfs,
} from '../../../support/power-cut.js';

/**
 * Real node processes, each data directory on faultline-lazyfs with a slow disk
 * (every fsync takes 5 ms, as on a busy or networked disk): power cuts of a
 * minority, then of the leader, then all restarted — what `--nemesis power-cut`
 * does — under a set or a bank load. Three nodes: the cut nodes are a majority
 * and can elect one of themselves (with five, the two survivors hold what was
 * acknowledged and usually win the election: the bugs then mostly hide).
 * The safe node keeps every acknowledged write; the two planted fsync bugs lose some.
 * The set rounds pause the survivor while the cut nodes restart (a slow survivor): the
 * cut nodes must win the next election for their forgotten writes to matter, and
 * against a running survivor they did one round in five or so (25 rounds once missed). No snapshots: with fsync=never, nodes come
 * to hold durable snapshots of different histories at one index, and the cluster can
 * wedge for good (no leader can append or install) instead of showing its loss.
 */
let cc: CutCluster | null = null;
afterEach(async () => {
  await cc?.c.stop();
  cc = null;
});

const NODES = 3;
const SLOW_DISK = { syncDelayMs: 5 };

/** rounds of cuts under a set load; the acknowledged adds missing from the read after the last round run */
async function setRounds(
  fsync: string,
  maxRounds: number,
  stopOnLoss: boolean,
  holdSurvivors = false,
): Promise<{ lost: number[]; acked: number; rounds: number; cutBytes: number; syncsInterrupted: number }> {
  cc = await startOnLazyfs(NODES, ['--fsync', fsync, '--snapshot-every', '0'], SLOW_DISK);
  const acked = new Set<number>();
  let rounds = 0;
  let cutBytes = 0;
  let syncsInterrupted = 0;
  let lost: number[] = [];
  while (rounds < maxRounds) {
    rounds++;
    const load = setLoad(cc.c, acked);
    await sleep(1500);
    for (const r of await cutMinorityThenLeader(cc, { holdSurvivors })) {
      cutBytes += r.report.unsyncedBytes;
      syncsInterrupted += r.report.syncsInterrupted;
    }
    await sleep(1500);
    await load.stop();
    const present = await settleAndReadSet(cc.c);
    lost = [...acked].filter((v) => !present.has(v));
    if (stopOnLoss && lost.length > 0) break;
  }
  return { lost, acked: acked.size, rounds, cutBytes, syncsInterrupted };
}

describe.runIf(FUSE)('power cuts of a minority, then the leader, of 3 nodes on faultline-lazyfs', () => {
  it('set: the safe node (fsync before it acknowledges) loses no acknowledged add', async () => {
    const r = await setRounds('before-ack', 4, false, true);
    expect(r.acked).toBeGreaterThan(500);
    expect(r.syncsInterrupted + r.cutBytes).toBeGreaterThan(0); // the cuts did cut something
    expect(r.lost).toEqual([]);
  }, 240_000);

  it('set: --fsync never loses acknowledged adds', async () => {
    const r = await setRounds('never', 10, true, true);
    expect(r.cutBytes).toBeGreaterThan(0);
    expect(r.lost.length, `${r.rounds} rounds, ${r.acked} acknowledged`).toBeGreaterThan(0);
  }, 600_000);

  it('set: --fsync after-ack loses acknowledged adds', async () => {
    const r = await setRounds('after-ack', 10, true, true);
    console.log(`after-ack: ${r.lost.length} of ${r.acked} acknowledged adds lost after ${r.rounds} round(s); ${r.syncsInterrupted} fsyncs cut short`);
    expect(r.lost.length).toBeGreaterThan(0);
  }, 600_000);

  // bank with --fsync never is caught end to end (test/e2e/disk.test.ts, within 3 seeds); here a
  // round loses a transfer's effect on a read only now and then (25 rounds missed it twice under load)
  it('bank: the safe node keeps every read at the total', async () => {
    cc = await startOnLazyfs(NODES, ['--fsync', 'before-ack', '--snapshot-every', '0'], SLOW_DISK);
    const totals: number[] = [];
    await createBankAccounts(cc.c);
    for (let round = 0; round < 4; round++) {
      const load = bankLoad(cc.c, totals);
      await sleep(1500);
      await cutMinorityThenLeader(cc);
      await sleep(2000);
      await load.stop();
    }
    expect(totals.length).toBeGreaterThan(20);
    expect(totals.filter((t) => t !== BANK_TOTAL)).toEqual([]);
  }, 600_000);
});
