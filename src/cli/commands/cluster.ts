import type { Argv, CommandModule } from 'yargs';
import { docker, LABEL, removeClusters } from '../../cluster/docker.js';

/** `faultline cluster down|status`: find (by label) and remove what runs left behind. */
export const clusterCommand: CommandModule<object, { action: string }> = {
  command: 'cluster <action>',
  describe: 'Inspect (status) or remove (down) faultline containers and networks, found by label',
  builder: (y: Argv) => y.positional('action', { type: 'string', choices: ['down', 'status'], demandOption: true }) as unknown as Argv<{ action: string }>,
  handler: async ({ action }) => {
    if (action === 'down') {
      const r = await removeClusters();
      process.stdout.write(`removed ${r.containers} containers and ${r.networks} networks\n`);
      return;
    }
    const filters = JSON.stringify({ label: [LABEL] });
    const containers = await docker.listContainers({ all: true, filters });
    for (const c of containers) process.stdout.write(`${c.Names[0]?.replace(/^\//, '')}  ${c.State}  ${c.Labels[LABEL]}\n`);
    if (containers.length === 0) process.stdout.write('no faultline containers\n');
  },
};
