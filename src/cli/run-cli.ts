import yargs, { type CommandModule } from 'yargs';
import { FaultlineError, UsageError } from '../util/errors.js';

/**
 * Parses argv and runs the chosen command. Errors end here: a FaultlineError prints
 * `faultline: <message>` and exits with its exitCode (254 for usage and input);
 * anything else is a bug: print the stack and exit 255. Commands set
 * process.exitCode for their verdict (0/1/2) instead of calling process.exit, so
 * stdout is flushed.
 */
export async function runCli(argv: string[], commands: readonly CommandModule<any, any>[]): Promise<void> {
  let cli = yargs(argv)
    .scriptName('faultline')
    .usage('$0 <command> [options]')
    .strict()
    .demandCommand(1, 'expected a command')
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 valid, 1 invalid, 2 unknown, 254 bad usage or input, 255 internal error.')
    .fail((msg, err) => {
      // yargs calls this for its own usage errors (msg) and for errors thrown by handlers (err)
      throw err ?? new UsageError(`${msg}\nRun 'faultline --help' for usage.`);
    });
  for (const command of commands) cli = cli.command(command);
  try {
    await cli.parseAsync();
  } catch (err) {
    reportError(err);
  }
}

export function reportError(err: unknown): void {
  if (err instanceof FaultlineError) {
    process.stderr.write(`faultline: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`faultline: internal error (a bug in faultline)\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 255;
  }
}
