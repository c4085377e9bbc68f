/**
 * `npm run bench:cluster`: time to bring up a 5-node cluster with a built image
 * (network, containers, first leader) and to tear it down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildImage } from '../docker/image.js';
import { DockerCluster } from '../src/cluster/docker.js';

async function main(): Promise<void> {
  const image = await buildImage();
  console.log(`| node image (${image.built ? 'built' : 'cached'}) | ${Math.round(image.ms)} ms | — |`);
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-bench-cluster-'));
  try {
    for (let run = 1; run <= 3; run++) {
      const t0 = performance.now();
      const c = await DockerCluster.up({ name: 'bench', image: image.tag, nodes: 5, dir: path.join(dir, String(run)), nodeOpts: {} });
      const up = performance.now() - t0;
      await c.waitForLeader(20_000);
      const leader = performance.now() - t0;
      const t1 = performance.now();
      await c.destroy();
      console.log(`| run ${run}: 5 nodes up / first leader / teardown | ${Math.round(up)} ms / ${Math.round(leader)} ms / ${Math.round(performance.now() - t1)} ms | < 10,000 ms to leader |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(255);
});
