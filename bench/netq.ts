/**
 * `npm run bench:netq`: the network faults without netem, measured.
 *
 *   node dist/bench/netq.js [--samples 500] [--seconds 3] [--rounds 4] [--cluster-seconds 6] [--no-cluster]
 *
 * On network namespaces made for the run (bench/netns.ts):
 * 1. accuracy of an injected 50 ms ± 10 ms delay (uniform), one way and both ways (netq
 *    as an ordinary process and SCHED_FIFO), as round trips measured from the sender's
 *    namespace (netq-probe, one-byte TCP ping-pong; the probes are ordinary processes);
 * 2. cost of the packet path: request/response rate and bulk throughput between two
 *    namespaces with the queue installed but passing everything, against without it,
 *    alternating, `--rounds` each;
 * 3. bandwidth achieved against configured (tc tbf).
 * Then on a real 3-node Docker cluster of our node (unless --no-cluster): committed
 * writes/s with the queue installed on every node, passing everything, against without.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildImage } from '../docker/image.js';
import { distribution, type QueueSpec, rateSpec } from '../nemesis/netem-plan.js';
import type { Helper } from '../nemesis/netns.js';
import { type NetqCounters, type NetqHandle, startNetq, stopNetq } from '../nemesis/netq.js';
import { bandwidth, requestRate, roundTrips, startProbeServer } from '../nemesis/probe.js';
import { startRateLimit, stopRateLimit } from '../nemesis/tc.js';
import { DockerCluster } from '../src/cluster/docker.js';
import { makeSut } from '../src/sut/registry.js';
import { makeNetns, type TestNetns } from './netns.js';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '4' },
    'cluster-seconds': { type: 'string', default: '6' },
    'no-cluster': { type: 'boolean', default: false },
  },
});
const SAMPLES = Number(values.samples);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CLUSTER_SECONDS = Number(values['cluster-seconds']);
const PORT = 7357;

const PASS: QueueSpec = { delayMs: 0, jitterMs: 0, distribution: 'uniform', reorder: null, duplicate: null };
const DELAY: QueueSpec = { ...PASS, delayMs: 50, jitterMs: 10 };
const row = (what: string, measured: string, note = ''): void => console.log(`| ${what} | ${measured} | ${note} |`);
const fmt = (d: ReturnType<typeof distribution>): string => (d ? `${d.min} / ${d.median} / ${d.p99} / ${d.max} ms (n ${d.n})` : 'no samples');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function rtts(net: TestNetns, from: number, to: number, n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) out.push(...(await roundTrips(net.nodes[from].pid, net.nodes[to].ip, PORT, Math.min(100, n - out.length), 60_000)).samplesMs);
  return out;
}

/** `fn` with queues in place; `late` gets each daemon's release lateness */
async function withQueues<T>(
  net: TestNetns,
  placements: [number, number[]][],
  spec: QueueSpec,
  fn: () => Promise<T>,
  rtPriority = 0,
  late: NetqCounters['late'][] = [],
): Promise<T> {
  const handles: NetqHandle[] = [];
  try {
    for (const [at, from] of placements)
      handles.push(await startNetq({ pid: net.nodes[at].pid, specs: new Map(from.map((i) => [net.nodes[i].ip, spec])), queue: 1, seed: 1, rtPriority }));
    return await fn();
  } finally {
    for (const h of handles) {
      const c = (await stopNetq(h)).counters;
      if (c) late.push(c.late);
    }
  }
}

const lateness = (ls: NetqCounters['late'][]): string =>
  ls.map((l) => `mean ${l.meanUs.toFixed(0)} µs, max ${(l.maxUs / 1000).toFixed(1)} ms, > 1 ms ${l.over1ms}/${l.n}, > 10 ms ${l.over10ms}/${l.n}`).join('; ');

async function namespaces(): Promise<void> {
  const net = makeNetns(2, `b${process.pid % 10_000}`);
  let servers: Helper[] = [];
  try {
    servers = await Promise.all(net.nodes.map((n) => startProbeServer(n.pid, PORT)));
    console.log('\n### Delay accuracy (netq, 50 ms ± 10 ms uniform)\n');
    console.log('| measure | min / median / p99 / max | note |\n|---|---|---|');
    const base = await rtts(net, 0, 1, SAMPLES);
    row('round trip, no fault', fmt(distribution(base)));
    const lateOne: NetqCounters['late'][] = [];
    const oneWay = await withQueues(net, [[1, [0]]], DELAY, () => rtts(net, 0, 1, SAMPLES), 0, lateOne);
    row(
      'round trip, delay one way (n1→n2)',
      fmt(distribution(oneWay)),
      `expected 40–60 ms + base; outside [40, 60 + base max]: ${oneWay.filter((x) => x < 40 || x > 60 + Math.max(...base)).length}`,
    );
    row('  netq release lateness (its own error)', lateness(lateOne), 'release time minus scheduled, over every held packet');
    const bothWays: [number, number[]][] = [
      [1, [0]],
      [0, [1]],
    ];
    for (const rt of [0, 10]) {
      const late: NetqCounters['late'][] = [];
      const both = await withQueues(net, bothWays, DELAY, () => rtts(net, 0, 1, SAMPLES), rt, late);
      const what = rt ? `delay both ways, netq SCHED_FIFO ${rt}` : 'delay both ways';
      row(
        `round trip, ${what}`,
        fmt(distribution(both)),
        `expected 80–120 ms + base; outside [80, 120 + base max]: ${both.filter((x) => x < 80 || x > 120 + Math.max(...base)).length}`,
      );
      row('  netq release lateness, each daemon', lateness(late), '');
    }

    console.log('\n### Cost of the packet path (queue installed at the receiver, passing everything)\n');
    console.log('| measure | without queue | with queue | ratio |\n|---|---:|---:|---:|');
    const rr = { off: [] as number[], on: [] as number[] };
    const bulk = { off: [] as number[], on: [] as number[] };
    const both2: [number, number[]][] = [
      [1, [0]],
      [0, [1]],
    ];
    for (let r = 0; r < ROUNDS; r++) {
      rr.off.push(await requestRate(net.nodes[0].pid, net.nodes[1].ip, PORT, SECONDS * 1000));
      rr.on.push(await withQueues(net, both2, PASS, () => requestRate(net.nodes[0].pid, net.nodes[1].ip, PORT, SECONDS * 1000)));
      bulk.off.push((await bandwidth(net.nodes[0].pid, net.nodes[1].ip, PORT, SECONDS * 1000)).bitsPerSecond / 1e9);
      bulk.on.push(
        await withQueues(net, both2, PASS, async () => (await bandwidth(net.nodes[0].pid, net.nodes[1].ip, PORT, SECONDS * 1000)).bitsPerSecond / 1e9),
      );
    }
    const r0 = median(rr.off);
    const r1 = median(rr.on);
    console.log(
      `| TCP request/response, 1 connection, round trips/s (median of ${ROUNDS} × ${SECONDS} s) | ${Math.round(r0)} | ${Math.round(r1)} | ${(r1 / r0).toFixed(2)} |`,
    );
    console.log(`|   each round | ${rr.off.map(Math.round).join(', ')} | ${rr.on.map(Math.round).join(', ')} | |`);
    const b0 = median(bulk.off);
    const b1 = median(bulk.on);
    console.log(`| TCP bulk, 1 connection, Gbit/s (median of ${ROUNDS} × ${SECONDS} s) | ${b0.toFixed(2)} | ${b1.toFixed(2)} | ${(b1 / b0).toFixed(2)} |`);
    console.log(`|   each round | ${bulk.off.map((x) => x.toFixed(2)).join(', ')} | ${bulk.on.map((x) => x.toFixed(2)).join(', ')} | |`);

    console.log('\n### Bandwidth (tc tbf on the sender, 3 s worth of data at the limit)\n');
    console.log('| configured | measured | ratio |\n|---:|---:|---:|');
    for (const kbit of [1000, 10_000, 100_000]) {
      const rate = rateSpec(kbit, 100);
      await startRateLimit(net.nodes[0].pid, 'eth0', rate);
      try {
        const m = await bandwidth(net.nodes[0].pid, net.nodes[1].ip, PORT, 60_000, Math.ceil((kbit * 1000 * 3) / 8));
        console.log(
          `| ${kbit / 1000} Mbit/s (burst ${rate.burstBytes} B) | ${(m.bitsPerSecond / 1e6).toFixed(3)} Mbit/s | ${(m.bitsPerSecond / 1000 / kbit).toFixed(3)} |`,
        );
      } finally {
        await stopRateLimit(net.nodes[0].pid, 'eth0');
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    net.destroy();
  }
}

/**
 * A 3-node cluster of our node (the one place this bench touches the cluster runtime):
 * the nodes' addresses and pids, and committed writes/s through the leader.
 */
async function exchangeCluster(
  dir: string,
): Promise<{ nodes: { ip: string; pid: number }[]; writeRate(workers: number, seconds: number): Promise<number>; destroy(): Promise<void> }> {
  const sut = makeSut('exchange', {});
  const image = await buildImage(sut.image());
  const c = await DockerCluster.up({ name: `bench-netq-${process.pid}`, sut, image: image.tag, nodes: 3, dir });
  await c.waitForLeader(20_000);
  const nodes = await Promise.all(c.nodes.map(async (n) => ({ ip: n.ip, pid: await c.pid(n.id) })));
  return {
    nodes,
    // closed-loop clients on keep-alive connections, each waiting for its write's answer before the next (our node's API: POST /v1/command)
    async writeRate(workers, seconds) {
      const leader = await c.waitForLeader(20_000);
      const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
      const post = (body: string): Promise<boolean> =>
        new Promise((resolve) => {
          const req = http.request(
            {
              host: leader.ip,
              port: 8000,
              path: '/v1/command',
              method: 'POST',
              agent,
              headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
            },
            (res) => {
              let text = '';
              res.setEncoding('utf8').on('data', (d: string) => (text += d));
              res.on('end', () => resolve(res.statusCode === 200 && text.includes('"ok":true')));
            },
          );
          req.on('error', () => resolve(false));
          req.end(body);
        });
      const end = performance.now() + seconds * 1000;
      let ok = 0;
      try {
        await Promise.all(
          Array.from({ length: workers }, async (_, w) => {
            const clientId = `bench-${process.pid}-${w}-${Date.now()}`;
            for (let seq = 1; performance.now() < end; seq++)
              if (await post(JSON.stringify({ clientId, seq, command: { type: 'kv.write', key: `k${w % 8}`, value: seq } }))) ok++;
          }),
        );
      } finally {
        agent.destroy();
      }
      return ok / seconds;
    },
    destroy: () => c.destroy(),
  };
}

async function cluster(): Promise<void> {
  console.log('\n### Cluster: our node, 3 nodes in Docker, queue on every node for packets from its peers, passing everything\n');
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-bench-netq-'));
  const c = await exchangeCluster(dir);
  try {
    await c.writeRate(32, 2); // warm-up
    const off: number[] = [];
    const on: number[] = [];
    const withQueue = async (): Promise<void> => {
      const handles: NetqHandle[] = [];
      try {
        for (const n of c.nodes)
          handles.push(await startNetq({ pid: n.pid, specs: new Map(c.nodes.filter((p) => p !== n).map((p) => [p.ip, PASS])), queue: 1, seed: 1 }));
        on.push(await c.writeRate(32, CLUSTER_SECONDS));
      } finally {
        for (const h of handles) await stopNetq(h);
      }
    };
    // alternating which goes first, so a drift of the machine's load weighs on both alike
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) off.push(await c.writeRate(32, CLUSTER_SECONDS));
      await withQueue();
      if (r % 2 === 1) off.push(await c.writeRate(32, CLUSTER_SECONDS));
    }
    console.log('| measure | without queue | with queue | ratio |\n|---|---:|---:|---:|');
    console.log(
      `| committed writes/s, 32 closed-loop clients (median of ${ROUNDS} × ${CLUSTER_SECONDS} s) | ${Math.round(median(off))} | ${Math.round(median(on))} | ${(median(on) / median(off)).toFixed(2)} |`,
    );
    console.log(`|   each round | ${off.map(Math.round).join(', ')} | ${on.map(Math.round).join(', ')} | |`);
  } finally {
    await c.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (${availableParallelism()} cores)`,
  );
  await namespaces();
  if (!values['no-cluster']) await cluster();
  console.log(
    `\nload average after ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(255);
});
