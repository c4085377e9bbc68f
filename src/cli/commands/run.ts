import type { Argv, CommandModule } from 'yargs';
import { exitCodeFor } from '../../../checkers/types.js';
import { resolveRunConfig, type RunArgs, WORKLOADS } from '../../controller/config.js';
import { SCENARIOS } from '../../../nemesis/plan.js';

/** The options of `faultline run` (also the keys of a campaign file's runs). */
export function runOptions<T>(y: Argv<T>): Argv<RunArgs> {
  return y
    .option('workload', { type: 'string', choices: [...WORKLOADS], default: 'register', describe: 'what the clients do' })
    .option('nemesis', { type: 'string', default: 'all', describe: 'comma-separated fault families: partition, loss, kill, pause, clock; or all / none' })
    .option('scenario', { type: 'string', choices: [...SCENARIOS], default: 'chaos', describe: 'chaos: random faults from --nemesis; split-brain: partitions that cut the leader off; rolling-restart: kill -9 and restart each node in turn; cascading: kill nodes one by one past quorum loss, then restart all' })
    .option('clock', { type: 'string', describe: 'clock faults to draw from (default all): offset, strobe, drift, lease' })
    .option('drift', { type: 'number', describe: 'clock rate change for the drift fault (default 0.1: 10% fast or slow)' })
    .option('partitions', { type: 'string', describe: 'partition topologies to draw from (default all): one, majority, majorities-ring, minority-third, bridge, isolate-leader, one-way' })
    .option('nodes', { type: 'number', default: 5 })
    .option('time-limit', { type: 'number', default: 30, describe: 'seconds of client load' })
    .option('concurrency', { type: 'number', default: 10, describe: 'client workers' })
    .option('rate', { type: 'number', default: 200, describe: 'target ops/s over all workers' })
    .option('interval', { type: 'number', default: 5, describe: 'seconds between fault starts and stops' })
    .option('seed', { type: 'number', describe: 'seed for every random choice (default: from the clock)' })
    .option('store', { type: 'string', default: 'results', describe: 'results store directory' })
    .option('test-name', { type: 'string', describe: 'the store directory of this test (default <workload>-<faults>)' })
    .option('subnet', { type: 'string', describe: 'the /24 for the cluster network (default: the first free one from 172.31.250.0/24 down)' })
    .option('loss', { type: 'number', describe: 'packet loss probability for the loss fault (default 0.3)' })
    .option('skew', { type: 'number', describe: 'clock skew size in seconds for the clock fault (default 2)' })
    .option('request-timeout', { type: 'number', describe: 'ms before a client gives up on a request and records info (default 2000)' })
    .option('recovery-timeout', { type: 'number', describe: 'seconds to wait for the cluster to converge after the final heal (default 30)' })
    .option('node-opt', { type: 'string', array: true, describe: 'key=value passed to every node, e.g. read-mode=local' }) as unknown as Argv<RunArgs>;
}

/** `faultline run`: a Docker cluster, clients and a nemesis; exit code by verdict. */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Run a test: a Docker cluster of exchange nodes, clients recording a history while a nemesis injects faults, then the checkers',
  builder: (y) => runOptions(y),
  handler: async (args) => {
    const cfg = resolveRunConfig(args);
    // loaded when the command runs: the controller brings dockerode, execa and pino
    const { RunAbortedError, runTest } = await import('../../controller/run.js');
    const { formatRunSummary } = await import('../../controller/summary.js');
    try {
      const summary = await runTest(cfg);
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
