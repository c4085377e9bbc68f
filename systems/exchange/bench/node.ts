/**
 * `npm run bench:node`: 3 exchange node processes on loopback with fsync on.
 * Prints committed writes/s and latency quantiles for pipelined clients, leader
 * failover time after kill -9, recovery time of a restarted node with a
 * 100,000-entry log, and memory per node — each beside its target.
 *
 *   node dist/systems/exchange/bench/node.js [--seconds 5] [--entries 100000] [--failovers 3]
 *        [--mount-helper <program>] [--mount-only]
 *
 * With --mount-helper (npm run bench:node passes the power-cut layer, faultline-lazyfs)
 * a second cluster runs with that file system over each node's data directory, and
 * the same loads alternate between the two clusters: what the layer costs. An empty
 * path (the layer could not be built here) skips that part, saying so.
 *
 * The client is a lean pipelining HTTP/1.1 client (systems/exchange/bench/http-pipeline.ts): on 2
 * cores shared by 4 processes, node:http's Agent would spend more CPU per request
 * than the leader does. One row uses the Agent anyway, for comparison.
 */

import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { LocalCluster, type LocalNode, sleep } from '../local-cluster.js';
import { PipelinedConnection } from './http-pipeline.js';
import { mountWith } from './mount-helper.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    entries: { type: 'string', default: '100000' },
    failovers: { type: 'string', default: '3' },
    'mount-helper': { type: 'string' },
    'mount-only': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const ENTRIES = Number(values.entries);
const FAILOVERS = Number(values.failovers);
const MOUNT_HELPER = values['mount-helper'];

const row = (what: string, measured: string, target: string): void => console.log(`| ${what} | ${measured} | ${target} |`);
const ms = (x: number): string => `${x.toFixed(1)} ms`;

function quantile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** selected counters from a node's /metrics */
async function scrape(n: LocalNode): Promise<Record<string, number>> {
  const text = await (await fetch(`${n.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(faultline_(?:fsync_seconds|commit_latency_seconds)_(?:sum|count)|faultline_storage_persists_total) (\S+)$/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

let clientSeq = 0;
const writeBody = (client: string, seq: number): string =>
  JSON.stringify({ clientId: client, seq, command: { type: 'kv.write', key: `k${seq % 1000}`, value: seq } });

interface Load {
  ok: number;
  failed: number;
  seconds: number;
  latencies: Float64Array;
}

/** `conns` connections with `depth` requests in flight on each, for `seconds`, all to `node`. */
async function pipelinedLoad(node: LocalNode, conns: number, depth: number, seconds: number): Promise<Load> {
  const connections = Array.from({ length: conns }, () => new PipelinedConnection(node.url));
  const lat = new Float64Array(2_000_000);
  let ok = 0;
  let failed = 0;
  const run = `r${++clientSeq}`;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const worker = async (w: number): Promise<void> => {
    const c = connections[w % conns];
    const client = `${run}-${w}`;
    for (let seq = 1; performance.now() < end; seq++) {
      const t = performance.now();
      const r = await c.post('/v1/command', writeBody(client, seq));
      if (r.status === 200) {
        if (ok < lat.length) lat[ok] = performance.now() - t;
        ok++;
      } else failed++;
    }
  };
  await Promise.all(Array.from({ length: conns * depth }, (_, w) => worker(w)));
  const secs = (performance.now() - t0) / 1000;
  for (const c of connections) c.close();
  return { ok, failed, seconds: secs, latencies: lat.slice(0, Math.min(ok, lat.length)).sort() };
}

/** the same load through node:http with a keep-alive Agent (one request per connection at a time) */
async function agentLoad(node: LocalNode, concurrency: number, seconds: number): Promise<Load> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const u = new URL(node.url);
  const post = (body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: '/v1/command',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const lat: number[] = [];
  let failed = 0;
  const run = `a${++clientSeq}`;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let seq = 1; performance.now() < end; seq++) {
        const t = performance.now();
        if ((await post(writeBody(`${run}-${w}`, seq))) === 200) lat.push(performance.now() - t);
        else failed++;
      }
    }),
  );
  agent.destroy();
  return { ok: lat.length, failed, seconds: (performance.now() - t0) / 1000, latencies: Float64Array.from(lat).sort() };
}

function report(what: string, load: Load): void {
  const l = load.latencies;
  row(
    `${what}: committed writes/s`,
    `${Math.round(load.ok / load.seconds).toLocaleString('en-US')}${load.failed ? ` (${load.failed} failed)` : ''}`,
    '≥ 5,000',
  );
  row(`${what}: latency p50 / p99 / max`, `${ms(quantile(l, 0.5))} / ${ms(quantile(l, 0.99))} / ${ms(l[l.length - 1] ?? Number.NaN)}`, 'p99 < 20 ms');
}

async function throughput(c: LocalCluster): Promise<void> {
  const leader = await c.leader();
  await pipelinedLoad(leader, 4, 8, 1); // warm up the JITs
  for (const [conns, depth] of [
    [4, 8],
    [4, 16],
    [4, 32],
  ] as const) {
    const pids = c.nodes.map((n) => n.proc?.pid ?? 0);
    const before = pids.map(cpuSeconds);
    const self0 = process.cpuUsage();
    const m0 = await scrape(leader);
    const load = await pipelinedLoad(leader, conns, depth, SECONDS);
    const m1 = await scrape(leader);
    const d = (k: string): number => (m1[k] ?? 0) - (m0[k] ?? 0);
    const cpu = pids.map((p, i) => cpuSeconds(p) - before[i]);
    const selfCpu = (process.cpuUsage(self0).user + process.cpuUsage(self0).system) / 1e6;
    report(`${conns * depth} in flight (${conns} conns × ${depth} pipelined)`, load);
    const perWrite = (s: number): string => `${Math.round((s * 1e6) / Math.max(1, load.ok))}`;
    row(
      `${conns * depth} in flight: CPU µs per write (leader ${leader.id} / followers / client)`,
      `${perWrite(cpu[c.nodes.indexOf(leader)])} / ${cpu
        .filter((_, i) => c.nodes[i] !== leader)
        .map(perWrite)
        .join(', ')} / ${perWrite(selfCpu)}`,
      '—',
    );
    row(
      `${conns * depth} in flight: leader fsync mean / writes per fsync / leader propose→apply mean`,
      `${ms((1000 * d('faultline_fsync_seconds_sum')) / Math.max(1, d('faultline_fsync_seconds_count')))} / ${(load.ok / Math.max(1, d('faultline_storage_persists_total'))).toFixed(1)} / ${ms((1000 * d('faultline_commit_latency_seconds_sum')) / Math.max(1, d('faultline_commit_latency_seconds_count')))}`,
      '—',
    );
  }
  report('64 concurrent through node:http keep-alive Agent', await agentLoad(leader, 64, SECONDS));
}

/** kill -9 the leader; time until a write is acknowledged by a new leader. Restarts the victim after. */
async function failover(c: LocalCluster): Promise<number> {
  const old = await c.leader();
  // steady writes keep the pipeline busy, as in production, while the leader dies
  const load = pipelinedLoad(old, 2, 4, 0.5).catch(() => null);
  await sleep(200);
  await c.kill(old);
  const t0 = performance.now();
  const client = `failover-${++clientSeq}`;
  let seq = 0;
  let elapsed = Number.NaN;
  outer: while (performance.now() - t0 < 10_000) {
    for (const n of c.nodes) {
      if (!n.proc) continue;
      const conn = new PipelinedConnection(n.url);
      try {
        const r = await Promise.race([conn.post('/v1/command', writeBody(client, ++seq)).catch(() => null), sleep(200).then(() => null)]);
        if (r?.status === 200) {
          elapsed = performance.now() - t0;
          break outer;
        }
      } catch {
        // connection refused or reset: try the next node
      } finally {
        conn.close();
      }
    }
    await sleep(2);
  }
  await load;
  c.spawn(old);
  const target = (await c.health(await c.leader()))?.commitIndex ?? 0;
  while (((await c.health(old))?.appliedIndex ?? 0) < target) await sleep(20);
  return elapsed;
}

async function recovery(entries: number): Promise<void> {
  const c = await LocalCluster.start(3, ['--snapshot-every', '0']);
  clusters.add(c);
  try {
    let leader = await c.leader();
    const fillStart = performance.now();
    // the leader may change under CPU starvation: look it up again every round
    while (((await c.health(leader))?.commitIndex ?? 0) < entries) {
      if (performance.now() - fillStart > 300_000) throw new Error(`could not write ${entries} entries in 300 s`);
      await pipelinedLoad(leader, 4, 32, 2);
      leader = await c.leader();
    }
    const victim = c.nodes.find((n) => n !== leader) as LocalNode;
    const target = (await c.health(leader))?.appliedIndex ?? 0;
    await c.kill(victim);
    const t0 = performance.now();
    c.spawn(victim);
    let up = Number.NaN;
    for (;;) {
      const h = await c.health(victim);
      if (h && Number.isNaN(up)) up = performance.now() - t0;
      if (h && h.appliedIndex >= target) break;
      await sleep(10);
    }
    const caughtUp = performance.now() - t0;
    row(
      `restart after kill -9 with a ${target.toLocaleString('en-US')}-entry log (no snapshot): serving /health / applied all`,
      `${up.toFixed(0)} ms / ${caughtUp.toFixed(0)} ms`,
      '—',
    );
  } finally {
    await c.stop();
  }
}

/** The same pipelined loads on a plain cluster and on one whose data directories are on the mount helper's file system, alternating. */
async function mountedCost(plain: LocalCluster, helper: string): Promise<void> {
  const helpers: number[] = [];
  const mounted = await LocalCluster.start(3, [], {
    mountDataDir: async (dir) => {
      const m = await mountWith(helper, dir);
      helpers.push(m.pid);
      return m;
    },
  });
  clusters.add(mounted);
  const name =
    helper
      .split('/')
      .pop()
      ?.replace(/-[0-9a-f]{16}$/, '') ?? helper;
  try {
    const leaders = [await plain.leader(), await mounted.leader()];
    await pipelinedLoad(leaders[1], 4, 8, 1); // warm up
    for (const depth of [8, 32]) {
      const out: string[] = [];
      let helperCpu = 0;
      let mountedOk = 0;
      for (const leader of leaders) {
        const isMounted = leader === leaders[1];
        const cpu0 = isMounted ? helpers.map(cpuSeconds) : [];
        const m0 = await scrape(leader);
        const load = await pipelinedLoad(leader, 4, depth, SECONDS);
        const m1 = await scrape(leader);
        if (isMounted) {
          helperCpu = helpers.reduce((sum, p, i) => sum + cpuSeconds(p) - cpu0[i], 0);
          mountedOk = load.ok;
        }
        const d = (k: string): number => (m1[k] ?? 0) - (m0[k] ?? 0);
        const l = load.latencies;
        out.push(
          `${Math.round(load.ok / load.seconds).toLocaleString('en-US')} w/s, p50 ${ms(quantile(l, 0.5))}, p99 ${ms(quantile(l, 0.99))}, leader fsync ${ms((1000 * d('faultline_fsync_seconds_sum')) / Math.max(1, d('faultline_fsync_seconds_count')))}${load.failed ? ` (${load.failed} failed)` : ''}`,
        );
      }
      row(`${4 * depth} in flight: plain directory / ${name}`, `${out[0]} / ${out[1]}`, '—');
      row(`${4 * depth} in flight: CPU of the 3 ${name} helpers per write`, `${Math.round((helperCpu * 1e6) / Math.max(1, mountedOk))} µs`, '—');
    }
  } finally {
    clusters.delete(mounted);
    await mounted.stop();
  }
}

function memory(c: LocalCluster): void {
  const rss = c.nodes
    .filter((n) => n.proc?.pid)
    .map((n) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${n.proc?.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  row('RSS per node after the load', rss.map((r) => `${r.toFixed(0)} MB`).join(', '), '—');
}

const clusters = new Set<LocalCluster>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // no orphaned node processes or data directories when the benchmark is interrupted
    void Promise.all([...clusters].map((c) => c.stop())).finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const c = await LocalCluster.start(3);
  clusters.add(c);
  try {
    // figures move with what else runs on the machine: say how loaded it was
    console.log(
      `3 nodes on loopback, fsync on, ${SECONDS} s per load, writes are kv.write commands; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (${os.cpus().length} cores)\n`,
    );
    console.log('| benchmark | measured | target |\n|---|---:|---|');
    if (values['mount-only']) {
      if (MOUNT_HELPER) await mountedCost(c, MOUNT_HELPER);
      return;
    }
    await throughput(c);
    if (MOUNT_HELPER) await mountedCost(c, MOUNT_HELPER);
    else if (MOUNT_HELPER === '') row("the power-cut layer's cost", 'skipped: faultline-lazyfs could not be built here (see npm run build)', '—');
    const times: number[] = [];
    for (let i = 0; i < FAILOVERS; i++) times.push(await failover(c));
    times.sort((a, b) => a - b);
    row(
      `failover after kill -9 of the leader, first write acknowledged by the new leader (${FAILOVERS} runs: median / max)`,
      `${times[times.length >> 1].toFixed(0)} ms / ${times[times.length - 1].toFixed(0)} ms`,
      '< 1,000 ms',
    );
    memory(c);
    console.log(
      `\nload average after the loads: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await c.stop();
  }
  await recovery(ENTRIES);
}

main().catch((err) => {
  console.error(err);
  process.exit(255);
});
