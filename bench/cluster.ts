/**
 * `npm run bench:cluster`: for each system under test — faultline's own node
 * (exchange) and etcd 3.4 — the time to bring up a 5-node cluster with a built image
 * (network, containers, first leader) and to tear it down; then client throughput
 * through a 5-node cluster with the full history recorded (a real `faultline run`
 * without faults, 64 clients unpaced), the same workloads against both systems.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { buildImage } from '../docker/image.js';
import { DockerCluster } from '../src/cluster/docker.js';
import { resolveRunConfig } from '../src/controller/config.js';
import { runTest } from '../src/controller/run.js';
import { makeSut } from '../src/sut/registry.js';

const SYSTEMS = ['exchange', 'etcd'] as const;

async function main(): Promise<void> {
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (${availableParallelism()} cores)\n`,
  );
  console.log('| system | benchmark | measured | target |\n|---|---|---:|---|');
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-bench-cluster-'));
  try {
    for (const name of SYSTEMS) {
      const sut = makeSut(name, {});
      const image = await buildImage(sut.image());
      console.log(`| ${name} | node image (${image.built ? 'built' : 'cached'}) | ${Math.round(image.ms)} ms | — |`);
      for (let run = 1; run <= 3; run++) {
        const t0 = performance.now();
        const c = await DockerCluster.up({ name: `bench-${name}`, sut, image: image.tag, nodes: 5, dir: path.join(dir, `${name}-${run}`) });
        const up = performance.now() - t0;
        let leader = 0;
        let teardown = 0;
        try {
          await c.waitForLeader(20_000);
          leader = performance.now() - t0;
        } finally {
          const t1 = performance.now();
          await c.destroy();
          teardown = performance.now() - t1;
        }
        console.log(
          `| ${name} | run ${run}: 5 nodes up / first leader / teardown | ${Math.round(up)} ms / ${Math.round(leader)} ms / ${Math.round(teardown)} ms | < 10,000 ms to leader |`,
        );
      }
    }
    for (const workload of ['register', 'set'] as const) {
      for (const name of SYSTEMS) {
        const cfg = resolveRunConfig({ sut: name, workload, nemesis: 'none', nodes: 5, concurrency: 64, rate: 100_000, timeLimit: 20, store: dir, seed: 1 });
        const s = await runTest(cfg);
        const t = s.throughput;
        console.log(
          `| ${name} | ${workload}: 5 nodes, 64 clients, history recorded: completed ops/s (ok latency p50 / p99) | ${t.opsPerSecond} (${t.p50} / ${t.p99} ms), verdict ${s.valid} | ${name === 'exchange' ? '≥ 2,000 ops/s' : '—'} |`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(255);
});
