import type { Argv, CommandModule } from 'yargs';
import { exitCodeFor } from '../../../checkers/types.js';
import { type RunArgs, resolveRunConfig } from '../../controller/config.js';
import { TerminalProgress } from '../../controller/live/progress.js';
import { RUN_OPTIONS, type RunOption } from '../../controller/run-options.js';

/** The options of `faultline run`, from the one table of run options. */
export function runOptions<T>(y: Argv<T>): Argv<RunArgs> {
  let out: Argv<any> = y;
  for (const [flag, o] of Object.entries(RUN_OPTIONS) as [string, RunOption][]) {
    out = out.option(flag, {
      type: o.kind === 'number' ? 'number' : 'string',
      ...(o.kind === 'strings' ? { array: true } : {}),
      ...(o.choices ? { choices: [...o.choices] } : {}),
      ...(o.default !== undefined ? { default: o.default } : {}),
      describe: o.describe,
    });
  }
  return out as Argv<RunArgs>;
}

/** `faultline run`: a Docker cluster, clients and a nemesis; exit code by verdict. */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Run a test: a Docker cluster of the system under test, clients recording a history while a nemesis injects faults, then the checkers',
  builder: (y) => runOptions(y),
  handler: async (args) => {
    const cfg = resolveRunConfig(args);
    // loaded when the command runs: the controller brings dockerode, execa and pino
    const { RunAbortedError, runTest } = await import('../../controller/run.js');
    const { formatRunSummary } = await import('../../controller/summary.js');
    // elapsed of total, ops/s, faults in force, leader: on stderr when it is a terminal
    const progress = new TerminalProgress(process.stderr);
    try {
      const summary = await runTest(cfg, { onStatus: (s) => progress.update(s) }).finally(() => progress.clear());
      process.stdout.write(formatRunSummary(cfg, summary));
      process.stdout.write(`${summary.dir}\n`); // contract: the run directory is the last line
      process.exitCode = exitCodeFor(summary.valid);
    } catch (err) {
      if (!(err instanceof RunAbortedError)) throw err;
      process.stdout.write(`${err.dir}\n`);
      throw err.cause; // an EnvironmentError (cluster could not come up) exits 255 with its message
    }
  },
};
