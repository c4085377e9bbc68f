import type { Argv, CommandModule } from 'yargs';
import { resolveServeOptions, type ServeArgs } from '../../serve/options.js';
import { startServer } from '../../serve/server.js';

/** `faultline serve`: browse the results store over HTTP until SIGINT / SIGTERM. */
export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Serve the results store over HTTP: every run, newest first, coloured by verdict, with its files',
  builder: (y: Argv) =>
    y
      .option('store', { type: 'string', default: 'results', describe: 'results store directory' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind (the store holds node data: keep it local unless you mean it)' })
      .option('port', { type: 'number', default: 8080, describe: 'port to listen on (0: any free port)' }) as unknown as Argv<ServeArgs>,
  handler: async (args) => {
    const opts = resolveServeOptions(args);
    const running = await startServer(opts);
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
