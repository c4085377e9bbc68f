import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildImage } from '../../docker/image.js';
import { type ClusterNode, DockerCluster } from '../../src/cluster/docker.js';
import type { NetNode } from '../../nemesis/packet-faults.js';

/**
 * A real cluster of the project's node image for the fault tests (built dist/ needed:
 * `npm run build`), with its store in a temporary directory; `destroy` removes both.
 */
export async function nodeCluster(nodes: number, name: string): Promise<{ cluster: DockerCluster; lookup: (id: string) => Promise<NetNode>; destroy: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), `faultline-${name}-`));
  const image = await buildImage();
  const cluster = await DockerCluster.up({ name: `${name}-${process.pid}`, image: image.tag, nodes, dir, nodeOpts: {} });
  const lookup = async (id: string): Promise<NetNode> => {
    const n: ClusterNode = cluster.node(id);
    return { id, ip: n.ip, pid: await cluster.pid(n), container: n.container, dataDir: n.dataDir };
  };
  return {
    cluster,
    lookup,
    destroy: async () => {
      await cluster.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
