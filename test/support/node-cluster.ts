import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildImage } from '../../docker/image.js';
import type { NetNode } from '../../nemesis/packet-faults.js';
import { DockerCluster } from '../../src/cluster/docker.js';
import { makeSut } from '../../src/sut/registry.js';

/**
 * A real cluster of the project's node image for the fault tests (built dist/ needed:
 * `npm run build`), with its store in a temporary directory; `destroy` removes both.
 * The fault tests see the cluster only through this: node ids, a lookup of what the
 * faults need (ip, pid, container, data directory), writes through the leader.
 */
export interface NodeCluster {
  ids: string[];
  cluster: DockerCluster;
  lookup(id: string): Promise<NetNode>;
  /** the id of the node leading now (waits for one) */
  leader(): Promise<string>;
  /** one committed write through the current leader (our node's API: POST /v1/command); ms it took */
  write(key: string, value: number): Promise<number>;
  destroy(): Promise<void>;
}

export async function nodeCluster(nodes: number, name: string): Promise<NodeCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), `faultline-${name}-`));
  const sut = makeSut('exchange', {});
  const image = await buildImage(sut.image());
  const cluster = await DockerCluster.up({ name: `${name}-${process.pid}`, sut, image: image.tag, nodes, dir });
  let seq = 0;
  return {
    ids: cluster.nodes.map((n) => n.id),
    cluster,
    lookup: async (id) => {
      const n = cluster.node(id);
      return { id, ip: n.ip, pid: await cluster.pid(id), container: n.container, dataDir: n.dataDir };
    },
    leader: async () => (await cluster.waitForLeader(20_000)).id,
    write: async (key, value) => {
      const leader = await cluster.waitForLeader(20_000);
      const t = performance.now();
      const res = await fetch(`http://${leader.ip}:8000/v1/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: `netq-${process.pid}`, seq: ++seq, command: { type: 'kv.write', key, value } }),
      });
      const body = (await res.json()) as { ok?: boolean };
      if (!body.ok) throw new Error(`write ${key}=${value} failed: ${JSON.stringify(body)}`);
      return performance.now() - t;
    },
    destroy: async () => {
      await cluster.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
