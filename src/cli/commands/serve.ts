import type { Argv, CommandModule } from 'yargs';
import { resolveServeOptions, type ServeArgs } from '../../serve/options.js';
import { isLoopback } from '../../serve/host.js';
import { startServer } from '../../serve/server.js';

/** `faultline serve`: browse the results store over HTTP until SIGINT / SIGTERM. */
export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'The results store as a dashboard over HTTP: runs and campaigns by verdict, workload and nemesis, a page per run, a live page for runs in progress',
  builder: (y: Argv) =>
    y
      .option('store', { type: 'string', default: 'results', describe: 'results store directory' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind (the store holds node data: keep it local unless you mean it)' })
      .option('port', { type: 'number', default: 8080, describe: 'port to listen on (0: any free port)' })
      .option('allow-host', { type: 'string', array: true, describe: 'a host name by which browsers may reach the dashboard (besides localhost and IP addresses); others are refused against DNS rebinding' }) as unknown as Argv<ServeArgs>,
  handler: async (args) => {
    const opts = resolveServeOptions(args);
    const running = await startServer(opts);
    if (!isLoopback(opts.host)) {
      process.stderr.write(`faultline: warning: serving beyond this machine (--host ${opts.host}): anyone who can reach ${running.url} can read every run, its history, logs and node data\n`);
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
