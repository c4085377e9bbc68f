import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';

interface ClusterArgs {
  action: string;
  nodes: number;
  store: string;
  subnet?: string;
  nodeOpt?: string[];
}

/**
 * `faultline cluster up|down|status`: bring a cluster up and leave it running (for
 * manual experiments), list what runs, or remove everything faultline left (found by label).
 */
export const clusterCommand: CommandModule<object, ClusterArgs> = {
  command: 'cluster <action>',
  describe: 'Bring up a cluster and leave it running (up), list (status) or remove (down) faultline containers and networks',
  builder: (y: Argv) =>
    y
      .positional('action', { type: 'string', choices: ['up', 'down', 'status'], demandOption: true })
      .option('nodes', { type: 'number', default: 5 })
      .option('store', { type: 'string', default: 'results', describe: 'where the nodes\u2019 data and clock directories go (under <store>/cluster)' })
      .option('subnet', { type: 'string', describe: 'the /24 for the cluster network (default: the first free one from 172.31.250.0/24 down)' })
      .option('node-opt', { type: 'string', array: true, describe: 'key=value passed to every node' }) as unknown as Argv<ClusterArgs>,
  handler: async (args) => {
    // loaded when the command runs: dockerode and the image build
    const { DockerCluster, docker, LABEL, removeClusters } = await import('../../cluster/docker.js');
    const { buildImage } = await import('../../../docker/image.js');
    if (args.action === 'down') {
      const r = await removeClusters();
      process.stdout.write(`removed ${r.containers} containers and ${r.networks} networks\n`);
      return;
    }
    if (args.action === 'up') {
      const image = await buildImage();
      const nodeOpts = Object.fromEntries((args.nodeOpt ?? []).map((kv) => kv.split('=', 2) as [string, string]));
      const c = await DockerCluster.up({ name: 'manual', owner: 'manual', image: image.tag, nodes: args.nodes, subnet: args.subnet, dir: path.resolve(args.store, 'cluster'), nodeOpts });
      const leader = await c.waitForLeader(20_000);
      for (const n of c.nodes) process.stdout.write(`${n.id}  ${n.url}${n === leader ? '  (leader)' : ''}\n`);
      process.stdout.write('left running: faultline cluster down removes it\n');
      return;
    }
    const filters = JSON.stringify({ label: [LABEL] });
    const containers = await docker.listContainers({ all: true, filters });
    for (const c of containers) process.stdout.write(`${c.Names[0]?.replace(/^\//, '')}  ${c.State}  ${c.Labels[LABEL]}\n`);
    if (containers.length === 0) process.stdout.write('no faultline containers\n');
  },
};
