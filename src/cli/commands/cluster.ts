import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { resolveRunConfig } from '../../controller/config.js';
import { RUN_OPTIONS } from '../../controller/run-options.js';

interface ClusterArgs {
  action: string;
  nodes: number;
  store: string;
  subnet?: string;
  sut: string;
  sutOpt?: string[];
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
      .option('sut', { type: 'string', choices: [...RUN_OPTIONS.sut.choices], default: RUN_OPTIONS.sut.default, describe: RUN_OPTIONS.sut.describe })
      .option('sut-opt', { type: 'string', array: true, describe: RUN_OPTIONS['sut-opt'].describe })
      .option('node-opt', { type: 'string', array: true, describe: RUN_OPTIONS['node-opt'].describe }) as unknown as Argv<ClusterArgs>,
  handler: async (args) => {
    // loaded when the command runs: dockerode, the image build and the systems' adapters
    const { DockerCluster, docker, LABEL, removeClusters } = await import('../../cluster/docker.js');
    const { buildImage } = await import('../../../docker/image.js');
    const { makeSut } = await import('../../sut/registry.js');
    if (args.action === 'down') {
      const r = await removeClusters();
      process.stdout.write(`removed ${r.containers} containers and ${r.networks} networks\n`);
      return;
    }
    if (args.action === 'up') {
      // the same validation as a run's: the system's name and options
      const cfg = resolveRunConfig({ sut: args.sut, sutOpt: args.sutOpt, nodeOpt: args.nodeOpt, nodes: args.nodes, subnet: args.subnet, nemesis: 'none' });
      const sut = makeSut(cfg.sut, cfg.sutOpts);
      const image = await buildImage(sut.image());
      const c = await DockerCluster.up({
        name: 'manual',
        owner: 'manual',
        sut,
        image: image.tag,
        nodes: cfg.nodes,
        subnet: cfg.subnet,
        dir: path.resolve(args.store, 'cluster'),
      });
      const leader = await c.waitForLeader(20_000);
      for (const n of c.nodes) process.stdout.write(`${n.id}  ${sut.clientUrl(n)}${n === leader ? '  (leader)' : ''}\n`);
      process.stdout.write('left running: faultline cluster down removes it\n');
      return;
    }
    const filters = JSON.stringify({ label: [LABEL] });
    const containers = await docker.listContainers({ all: true, filters });
    for (const c of containers) process.stdout.write(`${c.Names[0]?.replace(/^\//, '')}  ${c.State}  ${c.Labels[LABEL]}\n`);
    if (containers.length === 0) process.stdout.write('no faultline containers\n');
  },
};
