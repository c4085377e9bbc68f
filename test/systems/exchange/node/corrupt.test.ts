import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppliedCorruption, applyCorruption, CORRUPT_DEFAULTS, type Corruption, listFiles, planCorruption } from '../../../../nemesis/corrupt.js';
import { mulberry32 } from '../../../../src/controller/random.js';
import { LocalCluster, type LocalNode, sleep } from '../../../../systems/exchange/local-cluster.js';
import { setLoad, settleAndReadSet } from '../../../support/power-cut.js';

/**
 * The `corrupt` fault against real node processes: a stopped node's data directory
 * is damaged (nemesis/corrupt.ts), then the node restarts. It must refuse to start
 * with a clear error (exit 254, naming the file) when acknowledged data may be gone,
 * the cluster must go on without it, and once the damage is repaired it rejoins —
 * and no acknowledged write is ever lost.
 */
let cluster: LocalCluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

/** restarts `n` and waits until it exits (its code and output) or has run for `ms` (null) */
async function restart(c: LocalCluster, n: LocalNode, ms = 4000): Promise<{ code: number | null; output: string }> {
  const before = n.output.length;
  c.spawn(n);
  const proc = n.proc as ChildProcess;
  const code = await Promise.race([new Promise<number | null>((r) => proc.once('exit', (code) => r(code ?? -1))), sleep(ms).then(() => null)]);
  if (code !== null) n.proc = null;
  return { code, output: n.output.slice(before).join('') };
}

/** runs `f` while a set load goes on (once 100 adds are acknowledged), or after it when `idle` */
async function withLoad<T>(c: LocalCluster, acked: Set<number>, f: () => Promise<T>, idle = false): Promise<T> {
  const load = setLoad(c, acked, 6);
  for (let i = 0; i < 200 && acked.size < 100; i++) await sleep(50);
  if (idle) {
    await load.stop();
    await sleep(300); // idle: each node's durable mark catches up with all it acknowledged
    return f();
  }
  try {
    return await f();
  } finally {
    await sleep(500);
    await load.stop();
  }
}

const size = (n: LocalNode): number => statSync(path.join(n.dataDir, 'wal.log')).size;

describe('a node whose data directory was corrupted while it was down', () => {
  for (const [what, target, idle, corrupt] of [
    [
      'its log truncated in the middle',
      'follower',
      false,
      (n: LocalNode): Corruption => ({ kind: 'truncate', file: 'wal.log', offset: Math.floor(size(n) / 2) }),
    ],
    [
      'a bit flipped in its log',
      'leader',
      false,
      (n: LocalNode): Corruption => ({ kind: 'bitflip', file: 'wal.log', flips: [{ offset: Math.floor(size(n) / 2), bit: 4 }] }),
    ],
    ['the tail of its log removed, killed when idle', 'follower', true, (): Corruption => ({ kind: 'tail', file: 'wal.log', bytes: 40 })],
  ] as const) {
    it(`${what} (the ${target}): refuses to start, the cluster goes on, and after repair it rejoins; nothing acknowledged is lost`, async () => {
      cluster = await LocalCluster.start(3);
      const c = cluster;
      const acked = new Set<number>();
      let applied: AppliedCorruption | null = null;
      let victim: LocalNode | null = null;
      await withLoad(
        c,
        acked,
        async () => {
          const leader = await c.leader();
          const v = target === 'leader' ? leader : (c.nodes.find((n) => n !== leader) as LocalNode);
          victim = v;
          await c.kill(v);
          applied = await applyCorruption(v.dataDir, corrupt(v));
          const r = await restart(c, v);
          expect(r.code).toBe(254);
          expect(r.output).toMatch(/faultline-node: .*wal\.log: byte \d+: .*; refusing to start/);
          await sleep(500); // the others serve meanwhile
        },
        idle,
      );
      expect(acked.size).toBeGreaterThanOrEqual(100);
      await (applied as unknown as AppliedCorruption).undo(); // the disk is repaired
      expect((await restart(c, victim as unknown as LocalNode, 1500)).code).toBeNull(); // it runs
      const present = await settleAndReadSet(c);
      expect([...acked].filter((v) => !present.has(v))).toEqual([]);
    }, 60_000);
  }

  it('its snapshot damaged: refuses to start, naming the snapshot', async () => {
    cluster = await LocalCluster.start(3, ['--snapshot-every', '50']);
    const c = cluster;
    const acked = new Set<number>();
    await withLoad(c, acked, async () => {
      await sleep(1500);
      const leader = await c.leader();
      const victim = c.nodes.find((n) => n !== leader) as LocalNode;
      await c.kill(victim);
      const applied = await applyCorruption(victim.dataDir, { kind: 'bitflip', file: 'snapshot.bin', flips: [{ offset: 20, bit: 1 }] });
      const r = await restart(c, victim);
      expect(r.code).toBe(254);
      expect(r.output).toMatch(/snapshot\.bin: byte 4: snapshot checksum mismatch; refusing to start/);
      await applied.undo();
      expect((await restart(c, victim, 1500)).code).toBeNull();
    });
    const present = await settleAndReadSet(c);
    expect([...acked].filter((v) => !present.has(v))).toEqual([]);
  }, 60_000);

  it('planned corruptions (seeded): each one is refused, or survived without losing anything acknowledged', async () => {
    cluster = await LocalCluster.start(3, ['--snapshot-every', '200']);
    const c = cluster;
    const acked = new Set<number>();
    const outcomes: string[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      await withLoad(c, acked, async () => {
        const leader = await c.leader();
        const victim = c.nodes[seed % 3];
        await c.kill(victim);
        const plan = planCorruption(await listFiles(victim.dataDir), mulberry32(seed), CORRUPT_DEFAULTS);
        expect(plan).not.toBeNull();
        const applied = await applyCorruption(victim.dataDir, plan!);
        const r = await restart(c, victim);
        outcomes.push(
          `${applied.record.kind} ${applied.record.file}${victim === leader ? ' (leader)' : ''}: ${r.code === null ? 'started' : `exit ${r.code}`}`,
        );
        if (r.code !== null) {
          expect(r.code).toBe(254);
          expect(r.output).toMatch(new RegExp(`${applied.record.file.replace('.', '\\.')}: byte \\d+: .*refusing to start`));
          await applied.undo();
          expect((await restart(c, victim, 1500)).code).toBeNull();
        }
      });
      const present = await settleAndReadSet(c);
      expect(
        [...acked].filter((v) => !present.has(v)),
        outcomes.join('; '),
      ).toEqual([]);
    }
    console.log(outcomes.join('\n'));
  }, 180_000);
});
