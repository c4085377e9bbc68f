import type { CommandModule } from 'yargs';
import { UsageError } from '../util/errors.js';
import { parseCheckArgv, protectStdin } from './check-args.js';
import { reportError } from './report-error.js';

/**
 * Every command, loaded only when it is the one that runs (or for --help): `check`
 * must not pay for `run`'s Docker client, logger and process library. Each module
 * holds the command's yargs definition; its handler imports the implementation.
 * To add a command: one line here.
 */
const COMMANDS: Record<string, () => Promise<CommandModule<any, any>>> = {
  check: async () => (await import('./commands/check.js')).checkCommand,
  run: async () => (await import('./commands/run.js')).runCommand,
  cluster: async () => (await import('./commands/cluster.js')).clusterCommand,
  image: async () => (await import('./commands/image.js')).imageCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  campaign: async () => (await import('./commands/campaign.js')).campaignCommand,
  compare: async () => (await import('./commands/compare.js')).compareCommand,
};

/** listed in --help; `faultline help <command>` is rewritten before yargs sees it */
const helpCommand: CommandModule = {
  command: 'help [command]',
  describe: 'Show the help of a command (faultline help check)',
  handler: () => undefined,
};

/**
 * The faultline command line. A plain `faultline check <file> [options]` is parsed
 * without yargs (src/cli/check-args.ts: same options, same meaning); everything else
 * goes through yargs with the commands it needs.
 */
export async function runFaultline(argv: readonly string[]): Promise<void> {
  try {
    const [name, ...rest] = argv;
    if (name === '--version' && rest.length === 0) {
      process.stdout.write(`${(await import('../util/version.js')).VERSION}\n`);
      return;
    }
    if (name === 'help') {
      const [topic, ...more] = rest;
      if (topic !== undefined && !Object.hasOwn(COMMANDS, topic)) {
        throw new UsageError(`no command ${JSON.stringify(topic)}; the commands are ${Object.keys(COMMANDS).join(', ')}`);
      }
      if (more.length === 0) return await runFaultline(topic === undefined ? ['--help'] : [topic, '--help']);
    }
    if (name === 'check') {
      const args = parseCheckArgv(rest);
      if (args !== null) {
        const { checkMain } = await import('./check-main.js');
        return await checkMain(args);
      }
    }
    const names = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
    const commands = await Promise.all(names.map((n) => COMMANDS[n]()));
    const { runCli } = await import('./run-cli.js');
    await runCli(name === 'check' ? protectStdin(argv) : [...argv], [...commands, helpCommand]);
  } catch (err) {
    reportError(err);
  }
}
