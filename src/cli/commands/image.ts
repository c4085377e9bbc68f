import type { Argv, CommandModule } from 'yargs';

/** `faultline image build`: the node image, offline; rebuilt only when its inputs change. */
export const imageCommand: CommandModule<object, { action: string; force: boolean }> = {
  command: 'image <action>',
  describe: 'Build the exchange node image offline (docker import of node, its libraries, libfaketime and dist/)',
  builder: (y: Argv) =>
    y
      .positional('action', { type: 'string', choices: ['build'], demandOption: true })
      .option('force', { type: 'boolean', default: false, describe: 'rebuild even if the inputs did not change' }) as unknown as Argv<{ action: string; force: boolean }>,
  handler: async ({ force }) => {
    const { buildImage } = await import('../../../docker/image.js'); // loaded when the command runs
    const r = await buildImage({ force });
    process.stdout.write(`${r.tag} ${r.built ? 'built' : 'up to date'} in ${Math.round(r.ms)} ms\n`);
  },
};
