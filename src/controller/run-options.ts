import { CORRUPTION_KINDS } from '../../nemesis/corrupt-plan.js';
import { TOPOLOGIES } from '../../nemesis/grudge.js';
import { NETEM_DEFAULTS as N } from '../../nemesis/netem-plan.js';
import { CLOCK_VARIANTS, SCENARIOS } from '../../nemesis/plan.js';
import { WORKLOADS } from '../../workloads/names.js';
import { SUTS } from '../sut/names.js';

/** How an option is written: on the command line and as a campaign key. */
export type OptionKind = 'string' | 'number' | 'strings';

export interface RunOption {
  kind: OptionKind;
  /** the value when not given; absent: no default (resolveRunConfig derives one, or it stays unset) */
  default?: string | number;
  choices?: readonly string[];
  describe: string;
}

/**
 * The options of `faultline run`, declared once: the command line's flags and their
 * help (src/cli/commands/run.ts), the defaults resolveRunConfig applies, and the keys
 * of a campaign file's runs (their camelCase names) all come from this table.
 */
export const RUN_OPTIONS = {
  sut: {
    kind: 'string',
    default: 'exchange',
    choices: SUTS,
    describe: 'the system under test: exchange (faultline\u2019s own Raft node) or another with an adapter in src/sut/',
  },
  'sut-opt': { kind: 'strings', describe: 'key=value: an option of the system under test (for exchange, the same as --node-opt)' },
  'node-opt': { kind: 'strings', describe: 'key=value passed to every exchange node, e.g. read-mode=local (unsafe modes and planted bugs: see the README)' },
  workload: { kind: 'string', default: 'register', choices: WORKLOADS, describe: 'what the clients do' },
  nemesis: {
    kind: 'string',
    default: 'all',
    describe:
      'comma-separated fault families: partition, loss, kill, pause, clock, delay, duplicate, reorder, bandwidth, slow, power-cut, corrupt; or all (every family the system supports) / none',
  },
  scenario: {
    kind: 'string',
    default: 'chaos',
    choices: SCENARIOS,
    describe:
      'chaos: random overlapping faults from --nemesis; split-brain: partitions that cut the leader off; rolling-restart: kill -9 and restart each node in turn; cascading: kill nodes one by one past quorum loss, then restart all',
  },
  partitions: { kind: 'string', default: TOPOLOGIES.join(','), describe: `partition topologies to draw from: ${TOPOLOGIES.join(', ')}` },
  clock: { kind: 'string', default: CLOCK_VARIANTS.join(','), describe: `clock faults to draw from: ${CLOCK_VARIANTS.join(', ')}` },
  'max-faults': { kind: 'number', default: 3, describe: 'chaos: the most faults (of different families) in force at once; 1 = a plain flip-flop' },
  interval: {
    kind: 'number',
    default: 0.5,
    describe:
      'mean seconds of wait between nemesis steps (each wait is uniform over 0 to twice this; a step also takes the time to apply and verify its fault)',
  },
  loss: { kind: 'number', default: 0.3, describe: 'packet loss probability of the loss fault' },
  skew: { kind: 'number', default: 2, describe: 'clock skew size in seconds of the clock faults' },
  drift: { kind: 'number', default: 0.1, describe: 'clock rate change of the drift fault (0.1: 10% fast or slow)' },
  tear: { kind: 'number', default: 0.3, describe: 'power-cut: the share of cuts that also tear the last unsynced write (keep a prefix of it); 0 to 1' },
  'sync-delay': {
    kind: 'number',
    default: 3,
    describe:
      'power-cut: ms every fsync on a node\u2019s data directory takes at least (a cut meanwhile undoes it); the default is a cloud disk\u2019s flush, 0 the layer\u2019s own (near instant)',
  },
  corruptions: { kind: 'string', default: CORRUPTION_KINDS.join(','), describe: `corrupt: the damage to draw from: ${CORRUPTION_KINDS.join(', ')}` },
  delay: { kind: 'number', default: N.delayMs, describe: 'ms the delay fault holds each packet (on one link or all of a node\u2019s links, one way or both)' },
  jitter: { kind: 'number', default: N.jitterMs, describe: 'ms of jitter around --delay (uniform: \u00b1 this; normal: its standard deviation)' },
  'delay-distribution': { kind: 'string', default: N.distribution, choices: ['uniform', 'normal'], describe: 'how the jitter is drawn' },
  reorder: { kind: 'number', default: N.reorderProbability, describe: 'fraction of packets the reorder fault holds back, so later ones overtake them' },
  'reorder-gap': { kind: 'number', default: N.reorderGapMs, describe: 'ms a reordered packet is held back' },
  duplicate: { kind: 'number', default: N.duplicateProbability, describe: 'fraction of packets the duplicate fault delivers twice' },
  bandwidth: { kind: 'number', default: N.rateKbit, describe: 'kbit/s the bandwidth fault lets a node send' },
  'slow-cpus': { kind: 'number', default: N.cpus, describe: 'share of one CPU the slow fault leaves a node' },
  'slow-disk-iops': {
    kind: 'number',
    default: N.diskWriteIops ?? 0,
    describe: 'writes/s the slow fault leaves a node on its data directory\u2019s disk (0: the disk untouched)',
  },
  nodes: { kind: 'number', default: 5, describe: 'cluster size (1 to 9)' },
  'time-limit': { kind: 'number', default: 30, describe: 'seconds of client load' },
  concurrency: { kind: 'number', default: 10, describe: 'client workers' },
  rate: { kind: 'number', default: 200, describe: 'target ops/s over all workers' },
  seed: { kind: 'number', describe: 'seed for every random choice (default: from the clock)' },
  store: { kind: 'string', default: 'results', describe: 'results store directory' },
  'test-name': { kind: 'string', describe: 'the store directory of this test (default <workload>-<faults>)' },
  subnet: { kind: 'string', describe: 'the /24 for the cluster network (default: the first free one from 172.31.250.0/24 down)' },
  'request-timeout': { kind: 'number', default: 2000, describe: 'ms before a client gives up on a request and records info' },
  'recovery-timeout': { kind: 'number', default: 30, describe: 'seconds to wait for the cluster to converge after the final heal' },
} as const satisfies Record<string, RunOption>;

export type RunFlag = keyof typeof RUN_OPTIONS;

export const camelCase = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
