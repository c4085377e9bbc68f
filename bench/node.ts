/**
 * `npm run bench:node`: 3 exchange node processes on loopback with fsync on.
 * Prints committed writes/s and latency quantiles for a pipelined client, leader
 * failover time after kill -9, recovery time of a restarted node with a long log,
 * and memory per node.
 */
import http from 'node:http';
import { LocalCluster, type LocalNode, sleep } from '../src/cluster/local.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function postRaw(node: LocalNode, path: string, body: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const u = new URL(node.url);
    const req = http.request(
      { host: u.hostname, port: u.port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(data);
  });
}

const q = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

async function throughput(c: LocalCluster, seconds: number, concurrency: number): Promise<void> {
  const leader = await c.leader();
  const lat: number[] = [];
  let ok = 0;
  let seq = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async (w: number): Promise<void> => {
    while (performance.now() < end) {
      const t = performance.now();
      const r = await postRaw(leader, '/v1/command', { clientId: `bench-${w}`, seq: ++seq, command: { type: 'kv.write', key: `k${seq % 1000}`, value: seq } });
      if (r.status === 200) {
        ok++;
        lat.push(performance.now() - t);
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const secs = (performance.now() - t0) / 1000;
  console.log(`| writes/s (${concurrency} pipelined clients, fsync on) | ${(ok / secs).toFixed(0)} | ≥ 5,000 |`);
  console.log(`| write latency p50 / p99 | ${q(lat, 0.5).toFixed(1)} ms / ${q(lat, 0.99).toFixed(1)} ms | p99 < 20 ms |`);
}

async function failover(c: LocalCluster): Promise<void> {
  const leader = await c.leader();
  await c.kill(leader);
  const t0 = performance.now();
  for (let seq = 0; ; seq++) {
    for (const n of c.nodes) {
      if (!n.proc) continue;
      try {
        const r = await postRaw(n, '/v1/command', { clientId: 'failover', seq, command: { type: 'kv.write', key: 'f', value: seq } });
        if (r.status === 200) {
          console.log(`| failover after kill -9 (first acknowledged write via the new leader) | ${(performance.now() - t0).toFixed(0)} ms | < 1,000 ms |`);
          c.spawn(leader);
          return;
        }
      } catch {}
    }
    await sleep(5);
  }
}

async function recovery(c: LocalCluster, entries: number): Promise<void> {
  const leader = await c.leader();
  let seq = 0;
  const batch = async (w: number): Promise<void> => {
    while (seq < entries) {
      const s = ++seq;
      await postRaw(leader, '/v1/command', { clientId: `fill-${w}`, seq: s, command: { type: 'set.add', element: s } }).catch(() => {});
    }
  };
  await Promise.all(Array.from({ length: 64 }, (_, w) => batch(w)));
  const victim = c.nodes.find((n) => n !== leader) as LocalNode;
  const target = (await c.health(leader))?.appliedIndex ?? 0;
  await c.kill(victim);
  const t0 = performance.now();
  c.spawn(victim);
  for (;;) {
    const h = await c.health(victim);
    if (h && h.appliedIndex >= target) break;
    await sleep(20);
  }
  console.log(`| recovery of a restarted node with ${target.toLocaleString()} log entries (to applied) | ${(performance.now() - t0).toFixed(0)} ms | — |`);
}

async function memory(c: LocalCluster): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const rss = c.nodes.filter((n) => n.proc?.pid).map((n) => {
    const status = readFileSync(`/proc/${n.proc?.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  });
  console.log(`| RSS per node | ${rss.map((r) => `${r.toFixed(0)} MB`).join(', ')} | — |`);
}

async function main(): Promise<void> {
  const c = await LocalCluster.start(3);
  try {
    console.log('| benchmark | measured | target |\n|---|---:|---|');
    await throughput(c, 10, 128);
    await failover(c);
    await recovery(c, 100_000);
    await memory(c);
  } finally {
    await c.stop();
    agent.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(255);
});
