import type { Argv, CommandModule } from 'yargs';
import { resolveServeOptions, type ServeArgs } from '../../serve/options.js';
import { UsageError } from '../../util/errors.js';

/** listen errors that say the --host given cannot be bound here (bad usage), unlike a busy port */
const BAD_HOST = new Set(['EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_NONAME', 'EAI_FAIL', 'EAI_AGAIN', 'EINVAL']);

/** `faultline serve`: browse the results store over HTTP until SIGINT / SIGTERM. */
export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Serve the results store over HTTP: every run, newest first, coloured by verdict, with its files',
  builder: (y: Argv) =>
    y
      .option('store', { type: 'string', default: 'results', describe: 'results store directory' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind (the store holds node data: keep it local unless you mean it)' })
      // a string, so a bad port is reported as written (not NaN)
      .option('port', { type: 'string', default: '8080', describe: 'port to listen on (0: any free port)' }) as unknown as Argv<ServeArgs>,
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
    process.stdout.write(`serving ${opts.store} at ${running.url} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void running.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};
