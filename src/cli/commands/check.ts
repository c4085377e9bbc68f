import type { Argv, CommandModule } from 'yargs';
import { CHECK_OPTIONS, type CheckArgs } from '../check-args.js';

/**
 * `faultline check <history>`: is this history linearizable? Exit 0/1/2 by verdict.
 * The definition is cheap; the checker loads when the command runs.
 */
export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <history>',
  describe: 'Check a history (history.jsonl, Jepsen history.edn or log lines; - for standard input; gzip or not) for linearizability',
  builder: (y: Argv) => {
    let out = y.positional('history', { type: 'string', describe: 'history file, or - for standard input (plain or gzip)', demandOption: true });
    for (const [name, spec] of Object.entries(CHECK_OPTIONS)) out = out.option(name, { ...spec, choices: spec.choices ? [...spec.choices] : undefined });
    return out as unknown as Argv<CheckArgs>;
  },
  handler: async (args) => {
    const { checkMain } = await import('../check-main.js');
    await checkMain(args);
  },
};
