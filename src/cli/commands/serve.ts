import type { Argv, CommandModule } from 'yargs';
import { isLoopback } from '../../serve/host.js';
import { resolveServeOptions, type ServeArgs } from '../../serve/options.js';
import { UsageError } from '../../util/errors.js';

/** listen errors that say the --host given cannot be bound here (bad usage), unlike a busy port */
const BAD_HOST = new Set(['EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_NONAME', 'EAI_FAIL', 'EAI_AGAIN', 'EINVAL']);

/** `faultline serve`: browse the results store over HTTP until SIGINT / SIGTERM. */
export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Serve the results store as a dashboard: runs and campaigns by verdict, a page per run, a live page for runs in progress',
  builder: (y: Argv) =>
    y
      .option('store', { type: 'string', default: 'results', describe: 'results store directory' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind (the store holds node data: keep it local unless you mean it)' })
      // a string, so a bad port is reported as written (not NaN)
      .option('port', { type: 'string', default: '8080', describe: 'port to listen on (0: any free port)' })
      .option('allow-host', {
        type: 'string',
        array: true,
        describe: 'a host name by which browsers may reach the dashboard (besides localhost and IP addresses); others are refused against DNS rebinding',
      }) as unknown as Argv<ServeArgs>,
  handler: async (args) => {
    const opts = resolveServeOptions(args);
    const { startServer } = await import('../../serve/server.js'); // loaded when the command runs
    let running: Awaited<ReturnType<typeof startServer>>;
    try {
      running = await startServer(opts);
    } catch (err) {
      const code = ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code;
      if (code !== undefined && BAD_HOST.has(code)) throw new UsageError(`--host ${opts.host}: cannot listen there (${code})`, { cause: err });
      throw err;
    }
    if (!isLoopback(opts.host)) {
      process.stderr.write(
        `faultline: warning: serving beyond this machine (--host ${opts.host}): anyone who can reach ${running.url} can read every run, its history, logs and node data\n`,
      );
    }
    // the handlers first: a script that stops us as soon as it reads the line below must not kill us mid-way
    const stopped = new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void running.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    process.stdout.write(`serving ${opts.store} at ${running.url} (Ctrl-C to stop)\n`);
    await stopped;
  },
};
