import { CORRUPTION_KINDS, type CorruptionKind } from '../../nemesis/corrupt-plan.js';
import { type FaultFamily, parseFamilies } from '../../nemesis/families.js';
import { TOPOLOGIES, type Topology } from '../../nemesis/grudge.js';
import { type NetemOptions, resolveNetemOptions } from '../../nemesis/netem-plan.js';
import { CLOCK_VARIANTS, type ClockVariant, SCENARIOS, type Scenario, scenarioFamilies } from '../../nemesis/plan.js';
import { WORKLOADS, type WorkloadName } from '../../workloads/names.js';
import { makeSut } from '../sut/registry.js';
import { UsageError } from '../util/errors.js';
import { RUN_OPTIONS as O } from './run-options.js';

export { WORKLOADS, type WorkloadName };

/** Everything a run needs, resolved once from the command line or a campaign run (defaults → validate → normalize). */
export interface RunConfig {
  testName: string;
  /** the system under test's name and its options (`--sut-opt`, and `--node-opt` for exchange) */
  sut: string;
  sutOpts: Record<string, string>;
  workload: WorkloadName;
  /** the fault families in use (for a scenario other than chaos: the scenario's own) */
  families: FaultFamily[];
  scenario: Scenario;
  topologies: Topology[];
  clockVariants: ClockVariant[];
  maxFaults: number;
  nodes: number;
  timeLimitS: number;
  concurrency: number;
  rate: number;
  seed: number;
  store: string;
  /** mean seconds between nemesis steps (each wait uniform over 0–2×) */
  intervalS: number;
  requestTimeoutMs: number;
  /** unset: the first free /24 from 172.31.250.0/24 down */
  subnet?: string;
  lossProbability: number;
  skewSeconds: number;
  /** clock rate change of the drift variant (0.1: 10% fast or slow) */
  drift: number;
  /** power-cut: the share of cuts that tear the last unsynced write */
  tear: number;
  /** power-cut: ms every fsync takes at least on the nodes' data directories (0: the disk's own speed) */
  syncDelayMs: number;
  /** corrupt: the kinds of damage to draw from */
  corruptions: CorruptionKind[];
  /** parameters of delay, duplicate, reorder, bandwidth and slow */
  netem: NetemOptions;
  recoveryTimeoutS: number;
}

/** A run's options as given: camelCase keys of RUN_OPTIONS (yargs' parse, or a campaign run). */
export interface RunArgs {
  sut?: string;
  sutOpt?: string[];
  nodeOpt?: string[];
  workload?: string;
  nemesis?: string;
  scenario?: string;
  partitions?: string;
  clock?: string;
  maxFaults?: number;
  drift?: number;
  nodes?: number;
  timeLimit?: number;
  concurrency?: number;
  rate?: number;
  seed?: number;
  store?: string;
  interval?: number;
  testName?: string;
  subnet?: string;
  loss?: number;
  skew?: number;
  tear?: number;
  syncDelay?: number;
  corruptions?: string;
  requestTimeout?: number;
  recoveryTimeout?: number;
  delay?: number;
  jitter?: number;
  delayDistribution?: string;
  reorder?: number;
  reorderGap?: number;
  duplicate?: number;
  bandwidth?: number;
  slowCpus?: number;
  slowDiskIops?: number;
}

function keyValues(flag: string, kvs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of kvs ?? []) {
    const m = /^([\w-]+)=(.+)$/.exec(kv);
    if (!m) throw new UsageError(`--${flag} expects key=value, got ${JSON.stringify(kv)}`);
    out[m[1]] = m[2];
  }
  return out;
}

function listOf<T extends string>(flag: string, spec: string, allowed: readonly T[]): T[] {
  return spec.split(',').map((x) => {
    if (!(allowed as readonly string[]).includes(x)) throw new UsageError(`--${flag}: unknown value ${JSON.stringify(x)}; expected ${allowed.join(', ')}`);
    return x as T;
  });
}

/** The run's configuration with every option validated, the system's too (UsageError, exit 254). */
export function resolveRunConfig(a: RunArgs): RunConfig {
  const sutName = a.sut ?? O.sut.default;
  const nodeOpts = keyValues('node-opt', a.nodeOpt);
  if (Object.keys(nodeOpts).length > 0 && sutName !== 'exchange')
    throw new UsageError(`--node-opt sets options of faultline's own node; for --sut ${sutName} use --sut-opt`);
  const sutOpts = { ...nodeOpts, ...keyValues('sut-opt', a.sutOpt) };
  // validates the system's name and options before anything else is looked at
  const sut = makeSut(sutName, sutOpts);
  const workload = (a.workload ?? O.workload.default) as WorkloadName;
  if (!WORKLOADS.includes(workload)) throw new UsageError(`--workload must be one of ${WORKLOADS.join(', ')}; got ${JSON.stringify(a.workload)}`);
  if (!sut.workloads.includes(workload))
    throw new UsageError(`--workload ${workload} is not implemented for --sut ${sut.name}; it runs ${sut.workloads.join(', ')}`);
  const scenario = (a.scenario ?? O.scenario.default) as Scenario;
  if (!SCENARIOS.includes(scenario)) throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}; got ${JSON.stringify(a.scenario)}`);
  const chosen = parseFamilies(a.nemesis ?? O.nemesis.default, sut.unsupportedFaults, `--sut ${sut.name}`);
  if (scenario !== 'chaos' && chosen.length === 0) throw new UsageError(`--scenario ${scenario} injects faults: it cannot run with --nemesis none`);
  const families = scenarioFamilies(scenario, chosen);
  for (const f of families) {
    const why = sut.unsupportedFaults[f];
    if (why !== undefined) throw new UsageError(`--scenario ${scenario} uses ${f}, which does not apply to --sut ${sut.name}: ${why}`);
  }
  const clockVariants = listOf('clock', a.clock ?? O.clock.default, CLOCK_VARIANTS);
  const topologies = listOf('partitions', a.partitions ?? O.partitions.default, TOPOLOGIES);
  const drift = a.drift ?? O.drift.default;
  if (!(drift > 0 && drift < 1)) throw new UsageError(`--drift must be a rate change between 0 and 1 (0.1 = 10% fast or slow); got ${a.drift}`);
  const positive = (name: string, v: number | undefined, dflt: number): number => {
    const x = v ?? dflt;
    if (!(x > 0)) throw new UsageError(`--${name} must be positive; got ${v}`);
    return x;
  };
  const integer = (name: string, v: number | undefined, dflt: number, max: number): number => {
    const x = positive(name, v, dflt);
    if (!Number.isInteger(x) || x > max) throw new UsageError(`--${name} must be an integer from 1 to ${max}; got ${v}`);
    return x;
  };
  const nodes = integer('nodes', a.nodes, O.nodes.default, 9);
  const concurrency = integer('concurrency', a.concurrency, O.concurrency.default, 10_000);
  const maxFaults = integer('max-faults', a.maxFaults, O['max-faults'].default, 100);
  const lossProbability = a.loss ?? O.loss.default;
  if (!(lossProbability > 0 && lossProbability <= 1)) throw new UsageError(`--loss must be a probability in (0, 1]; got ${a.loss}`);
  const prefix = sut.name === 'exchange' ? '' : `${sut.name}-`;
  // `--nemesis all` names its test `all`: the list of twelve families makes an unreadable directory name
  const nemesisName =
    scenario !== 'chaos' ? scenario : families.length === 0 ? 'none' : (a.nemesis ?? O.nemesis.default) === 'all' ? 'all' : families.join('-');
  const testName = a.testName ?? `${prefix}${workload}-${nemesisName}`;
  if (!/^\w[\w.-]*$/.test(testName) || testName === 'latest')
    throw new UsageError(
      `--test-name must start with a letter or digit and hold letters, digits, '.', '_' and '-' only (not 'latest'); got ${JSON.stringify(testName)}`,
    );
  const tear = a.tear ?? O.tear.default;
  if (!(tear >= 0 && tear <= 1)) throw new UsageError(`--tear must be a share from 0 to 1; got ${a.tear}`);
  const syncDelayMs = a.syncDelay ?? O['sync-delay'].default;
  if (!(syncDelayMs >= 0 && syncDelayMs <= 10_000)) throw new UsageError(`--sync-delay must be from 0 to 10000 ms; got ${a.syncDelay}`);
  const corruptions = listOf('corruptions', a.corruptions ?? O.corruptions.default, CORRUPTION_KINDS);
  const seed = a.seed ?? Date.now() % 1_000_000;
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer; got ${a.seed}`);
  const netem = resolveNetemOptions({
    delayMs: a.delay,
    jitterMs: a.jitter,
    distribution: a.delayDistribution as NetemOptions['distribution'] | undefined,
    reorderProbability: a.reorder,
    reorderGapMs: a.reorderGap,
    duplicateProbability: a.duplicate,
    rateKbit: a.bandwidth,
    cpus: a.slowCpus,
    diskWriteIops: a.slowDiskIops,
  });
  const subnet = a.subnet;
  if (subnet !== undefined && !/^\d+\.\d+\.\d+\.0\/24$/.test(subnet)) throw new UsageError('--subnet must be a /24 such as 172.31.250.0/24');
  return {
    testName,
    sut: sut.name,
    sutOpts,
    workload,
    families,
    scenario,
    topologies,
    clockVariants,
    maxFaults,
    nodes,
    timeLimitS: positive('time-limit', a.timeLimit, O['time-limit'].default),
    concurrency,
    rate: positive('rate', a.rate, O.rate.default),
    seed,
    store: a.store ?? O.store.default,
    intervalS: positive('interval', a.interval, O.interval.default),
    requestTimeoutMs: positive('request-timeout', a.requestTimeout, O['request-timeout'].default),
    subnet,
    lossProbability,
    skewSeconds: positive('skew', a.skew, O.skew.default),
    drift,
    tear,
    syncDelayMs,
    corruptions,
    netem,
    recoveryTimeoutS: positive('recovery-timeout', a.recoveryTimeout, O['recovery-timeout'].default),
  };
}

/** The nemesis of a run in a few words: its scenario, or for chaos its fault families. */
export function describeNemesis(c: { scenario?: string; families: readonly string[] }): string {
  return c.scenario && c.scenario !== 'chaos' ? c.scenario : c.families.join(',') || 'none';
}
