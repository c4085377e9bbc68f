import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Nemesis } from '../../nemesis/nemesis.js';
import { queueSpec, rateSpec, resolveNetemOptions } from '../../nemesis/netem-plan.js';
import { HELPERS } from '../../nemesis/netns.js';
import { netqRules } from '../../nemesis/netq.js';
import { PacketFaults, sweepNamespace } from '../../nemesis/packet-faults.js';
import { roundTrips, startProbeServer } from '../../nemesis/probe.js';
import { type BinResult, faultlineBin } from '../support/cli.js';
import { DOCKER, leftovers, REQUIRE_DOCKER } from '../support/docker.js';
import { nodeCluster } from '../support/node-cluster.js';

/**
 * The five families on a real 3-node cluster of our node in Docker: the faults act on
 * the containers' namespaces and cgroups from the host, and the replicated writes of
 * the real system slow down under delay.
 */
describe.runIf(DOCKER || REQUIRE_DOCKER)('packet faults on a real Docker cluster', () => {
  let c: Awaited<ReturnType<typeof nodeCluster>>;
  let faults: PacketFaults;
  const o = resolveNetemOptions({ delayMs: 50, jitterMs: 10 });
  let value = 0;

  /** ms each of `n` committed writes took through the leader */
  async function writes(n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await c.write('k', ++value));
    return out;
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  beforeAll(async () => {
    c = await nodeCluster(3, 'netq-e2e');
    faults = new PacketFaults(c.ids, c.lookup, o);
    await writes(1);
  }, 60_000);

  afterAll(async () => {
    await faults?.healAll();
    await c?.destroy();
  });

  it("delay on the leader's links, both ways: commits wait for the delayed round trip; gone after stop", async () => {
    const before = median(await writes(10));
    const leader = await c.leader();
    const start = await faults.apply({ f: 'start-delay', scope: { kind: 'node', node: leader, direction: 'both' }, queue: queueSpec('delay', o), seed: 1 });
    const rtt = Object.values((start?.value as { rttMs: Record<string, { during: { min: number } }> }).rttMs);
    expect(rtt).toHaveLength(2);
    for (const r of rtt) expect(r.during.min).toBeGreaterThanOrEqual(79);
    const during = median(await writes(10));
    const stop = await faults.apply({ f: 'stop-delay' });
    const after = median(await writes(10));
    // a commit needs a follower's ack: one delayed round trip (80–120 ms) at least
    expect(during).toBeGreaterThan(75);
    expect(during).toBeGreaterThan(before + 60);
    expect(after).toBeLessThan(during - 40);
    expect((stop?.value as { rulesLeft: Record<string, number> }).rulesLeft).toEqual({ n1: 0, n2: 0, n3: 0 });
  }, 120_000);

  it('duplicate, reorder and bandwidth start with evidence and stop clean; the cluster keeps committing', async () => {
    const dup = await faults.apply({ f: 'start-duplicate', scope: { kind: 'node', node: 'n1', direction: 'both' }, queue: queueSpec('duplicate', o), seed: 2 });
    await writes(5);
    await faults.apply({ f: 'stop-duplicate' });
    const d = dup?.value as { queueCounters: Record<string, { duplicated: number }> };
    expect(Object.values(d.queueCounters).reduce((s, x) => s + x.duplicated, 0)).toBeGreaterThan(0);

    const reo = await faults.apply({
      f: 'start-reorder',
      scope: { kind: 'link', a: 'n2', b: 'n3', direction: 'both' },
      queue: queueSpec('reorder', o),
      seed: 3,
    });
    await writes(5);
    await faults.apply({ f: 'stop-reorder' });
    expect((reo?.value as { tcpCounters: Record<string, { TCPOFOQueue: number }> }).tcpCounters.n3.TCPOFOQueue).toBeGreaterThan(0);

    const bw = await faults.apply({ f: 'start-bandwidth', nodes: ['n2'], rate: rateSpec(2000, 100) });
    await writes(5);
    await faults.apply({ f: 'stop-bandwidth' });
    const measured = (bw?.value as { measured: Record<string, { duringKbit: number | string }> }).measured;
    const m = measured.n2.duringKbit;
    expect(typeof m, `the rate measured: ${JSON.stringify(measured)}`).toBe('number'); // a string is the probe's error
    expect(m).toBeGreaterThan(2000 * 0.8);
    expect(m).toBeLessThan(2000 * 1.25);
  }, 120_000);

  it('slow: CPU quota and disk limit read back, fsync slowed in the node cgroup, all restored on stop', async () => {
    const start = await faults.apply({ f: 'start-slow', nodes: ['n3'], slow: { cpus: 0.2, periodUs: 100_000, diskWriteIops: 20, diskWriteBps: null } });
    const v = start?.value as {
      cpu: Record<string, { cgroup: { quotaUs: number } }>;
      disk: Record<string, { limits: string[]; fsyncMs: { before: { median: number }; during: { median: number } } }>;
    };
    expect(v.cpu.n3.cgroup.quotaUs).toBe(20_000);
    expect(v.disk.n3.limits.length).toBeGreaterThan(0);
    expect(v.disk.n3.fsyncMs.during.median).toBeGreaterThan(40);
    expect(v.disk.n3.fsyncMs.during.median).toBeGreaterThan(v.disk.n3.fsyncMs.before.median * 5);
    const stop = await faults.apply({ f: 'stop-slow' });
    expect(stop?.value).toMatchObject({ cpu: { n3: { cgroup: { quotaUs: -1 }, docker: { CpuQuota: -1 } } }, disk: { n3: { limitsLeft: 0 } } });
    expect((stop?.value as { cpu: { n3: { throttledPeriods: number } } }).cpu.n3.throttledPeriods).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it('through the executor: a node restarted (kill) while a delay is in force gets its queue back; one down at the start gets it when it starts', async () => {
    const nem = new Nemesis(c.cluster, o);
    const delayed = async (from: string, to: string): Promise<number> => {
      const [a, b] = [await c.lookup(from), await c.lookup(to)];
      const server = await startProbeServer(b.pid, o.probePort);
      try {
        return Math.min(...(await roundTrips(a.pid, b.ip, o.probePort, 3)).samplesMs);
      } finally {
        await server.stop();
      }
    };
    await nem.apply({ f: 'start-delay', scope: { kind: 'node', node: 'n2', direction: 'inbound' }, queue: queueSpec('delay', o), seed: 4 });
    const pidBefore = (await c.lookup('n2')).pid;
    await nem.apply({ f: 'start-kill', target: 'one', nodes: ['n2'] });
    await nem.apply({ f: 'stop-kill' });
    expect((await c.lookup('n2')).pid).not.toBe(pidBefore);
    expect(await delayed('n1', 'n2')).toBeGreaterThanOrEqual(39); // n1 -> n2 held again in n2's new namespace
    await nem.apply({ f: 'stop-delay' });
    expect(await delayed('n1', 'n2')).toBeLessThan(20);

    await nem.apply({ f: 'start-kill', target: 'one', nodes: ['n3'] });
    const start = await nem.apply({
      f: 'start-reorder',
      scope: { kind: 'link', a: 'n1', b: 'n3', direction: 'one-way' },
      queue: queueSpec('reorder', o),
      seed: 5,
    });
    expect(start?.value.down).toEqual(['n3']);
    await nem.apply({ f: 'stop-kill' });
    // installed in n3's namespace once it runs again
    expect((await netqRules((await c.lookup('n3')).pid)).join('\n')).toContain(`-s ${(await c.lookup('n1')).ip}/32`);
    const { records, errors } = await nem.healAll();
    expect(errors).toEqual([]);
    expect(records.map((r) => r.f)).toEqual(['stop-reorder']);
    await c.write('k', ++value); // the cluster commits again
  }, 120_000);

  it("after every stop nothing of ours is left in any node's namespace, and no helper runs", async () => {
    expect(await faults.healAll()).toEqual({ records: [], errors: [] });
    for (const id of c.ids) expect(await sweepNamespace((await c.lookup(id)).pid), id).toEqual({ rules: [], qdiscs: [] });
    expect([...HELPERS].map((h) => h.name)).toEqual([]);
  }, 60_000);
});

const faultline = (args: string[], store: string, interruptAfterMs?: number): Promise<BinResult> => faultlineBin(args, store, { interruptAfterMs });

/** netq daemons started by the controller `pid` that still run (each carries --parent <controller pid>) */
const daemonsOf = (pid: number): string[] =>
  execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => /native\/netq-[0-9a-f]+ /.test(l) && l.includes(`--parent ${pid} `));

describe.runIf(DOCKER || REQUIRE_DOCKER)('faultline run with the packet faults', () => {
  const store = mkdtempSync(path.join(tmpdir(), 'faultline-netq-run-'));
  afterAll(() => rmSync(store, { recursive: true, force: true }));
  const run = (extra: string[]): string[] => [
    'run',
    '--nodes',
    '3',
    '--concurrency',
    '6',
    '--rate',
    '150',
    '--interval',
    '2',
    '--seed',
    '3',
    '--workload',
    'register',
    ...extra,
  ];

  it('--nemesis delay,duplicate,reorder,bandwidth,slow: applied with their evidence, healed, and a safe cluster stays linearizable', async () => {
    const r = await faultline(run(['--nemesis', 'delay,duplicate,reorder,bandwidth,slow', '--time-limit', '25']), store);
    expect(r.stdout).toContain('checker    linearizable: valid');
    expect(r.code).toBe(0);
    const nemesis = readFileSync(path.join(r.dir, 'history.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"process":"nemesis"'))
      .map((l) => JSON.parse(l) as { f: string; value: Record<string, any> });
    const starts = nemesis.filter((o) => o.f.startsWith('start-'));
    expect(starts.length).toBeGreaterThanOrEqual(2);
    // every fault started was stopped, and each stop left nothing of its own behind
    for (const s of starts) expect(nemesis.some((o) => o.f === `stop-${s.f.slice(6)}`)).toBe(true);
    for (const o of nemesis) {
      if ('rttMs' in o.value) for (const pair of Object.values(o.value.rttMs) as { during: unknown }[]) expect(pair.during).toBeDefined();
      if (o.f === 'stop-bandwidth') for (const q of Object.values(o.value.qdiscsLeft)) expect(q).toEqual([]);
      if (o.f === 'stop-delay' || o.f === 'stop-duplicate' || o.f === 'stop-reorder') {
        expect(o.value.helpersLeft).toBe(0);
        for (const [node, n] of Object.entries(o.value.rulesLeft)) expect(n).toBe(o.value.rulesOfOtherFaults?.[node] ?? 0);
      }
    }
    expect(daemonsOf(r.pid)).toEqual([]);
  }, 180_000);

  it('an interrupted run (SIGINT) with packet faults in force: no container, network or helper process left', async () => {
    const r = await faultline(
      run(['--nemesis', 'delay,reorder,bandwidth', '--max-faults', '3', '--interval', '1', '--time-limit', '60', '--test-name', 'netq-interrupted']),
      store,
      12_000,
    );
    expect(r.code).toBe(2);
    expect(leftovers('faultline-netq-interrupted-')).toEqual({ containers: '', networks: '' });
    const history = readFileSync(path.join(r.dir, 'history.jsonl'), 'utf8');
    expect(history).toMatch(/"f":"start-(delay|reorder|bandwidth)"/); // faults were in force when it was interrupted
    expect(daemonsOf(r.pid)).toEqual([]);
  }, 180_000);
});
