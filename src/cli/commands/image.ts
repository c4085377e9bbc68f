import type { Argv, CommandModule } from 'yargs';
import { RUN_OPTIONS } from '../../controller/run-options.js';

interface ImageArgs {
  action: string;
  force: boolean;
  sut: string;
}

/** `faultline image build`: a system's node image, offline; rebuilt only when its inputs change. */
export const imageCommand: CommandModule<object, ImageArgs> = {
  command: 'image <action>',
  describe: "Build the system under test's node image offline (docker import of its binary, the libraries it links and its files)",
  builder: (y: Argv) =>
    y
      .positional('action', { type: 'string', choices: ['build'], demandOption: true })
      .option('sut', { type: 'string', choices: [...RUN_OPTIONS.sut.choices], default: RUN_OPTIONS.sut.default, describe: 'the system whose image to build' })
      .option('force', { type: 'boolean', default: false, describe: 'rebuild even if the inputs did not change' }) as unknown as Argv<ImageArgs>,
  handler: async ({ force, sut }) => {
    // loaded when the command runs
    const { buildImage } = await import('../../../docker/image.js');
    const { makeSut } = await import('../../sut/registry.js');
    const r = await buildImage(makeSut(sut, {}).image(), { force });
    process.stdout.write(`${r.tag} ${r.built ? 'built' : 'up to date'} in ${Math.round(r.ms)} ms\n`);
  },
};
