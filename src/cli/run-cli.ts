import yargs, { type Argv, type CommandModule } from 'yargs';
import { UsageError } from '../util/errors.js';
import { VERSION } from '../util/version.js';
import { reportError } from './report-error.js';

export { reportError };

/**
 * Parses argv with yargs and runs the chosen command. Errors end in reportError
 * (exit 254 for usage and input, 255 for a bug). Commands set process.exitCode for
 * their verdict (0/1/2) instead of calling process.exit, so stdout is flushed.
 * Options take their last value when repeated, and `a.b` is a name, not an object
 * (so a message never shows `[object Object]` for what the user wrote).
 */
export async function runCli(argv: string[], commands: readonly CommandModule<any, any>[]): Promise<void> {
  try {
    await buildCli(argv, commands).parseAsync();
  } catch (err) {
    reportError(err);
  }
}

/** The yargs parser with faultline's settings and these commands. */
export function buildCli(argv: string[], commands: readonly CommandModule<any, any>[]): Argv {
  let cli = yargs(argv)
    .scriptName('faultline')
    .usage('$0 <command> [options]')
    // an option given twice takes its last value, except options that take a list (--node-opt a=1 --node-opt b=2):
    // with 'duplicate-arguments-array' off yargs kept only the last of those too, and every run's second option was lost
    .parserConfiguration({ 'dot-notation': false, 'duplicate-arguments-array': true })
    .middleware((args) => {
      // yargs keeps the options in force (the command's too) where its types do not show them
      const declared = (cli as unknown as { getOptions(): { array: string[] } }).getOptions().array;
      const lists = new Set([...declared, ...declared.map((k) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()))]); // and their camelCase copies
      for (const [k, v] of Object.entries(args)) if (k !== '_' && Array.isArray(v) && !lists.has(k)) args[k] = v[v.length - 1];
    }, true)
    .strict()
    .demandCommand(1, 'expected a command')
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(VERSION)
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 valid, 1 invalid, 2 unknown, 254 bad usage or input, 255 internal error.')
    .fail((msg, err) => {
      // yargs calls this for its own usage errors (msg) and for errors thrown by handlers (err)
      throw err ?? new UsageError(`${msg}\nRun 'faultline --help' for usage.`);
    });
  for (const command of commands) cli = cli.command(command);
  return cli;
}
