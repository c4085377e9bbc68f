import { type FaultFamily, parseFamilies } from '../../nemesis/nemesis.js';
import { TOPOLOGIES, type Topology } from '../../nemesis/grudge.js';
import { CLOCK_VARIANTS, type ClockVariant, type Scenario, SCENARIOS, scenarioFamilies } from '../../nemesis/plan.js';
import { WORKLOADS, type WorkloadName } from '../../workloads/index.js';
import { UsageError } from '../util/errors.js';

export { WORKLOADS, type WorkloadName };

/** Everything a run needs, resolved once from the command line (defaults → validate → normalize). */
export interface RunConfig {
  testName: string;
  workload: WorkloadName;
  /** the fault families in use (for a scenario other than chaos: the scenario's own) */
  families: FaultFamily[];
  scenario: Scenario;
  topologies: Topology[];
  clockVariants: ClockVariant[];
  nodes: number;
  timeLimitS: number;
  concurrency: number;
  rate: number;
  seed: number;
  store: string;
  nodeOpts: Record<string, string>;
  /** seconds between fault starts and stops (Jepsen's flip-flop interval) */
  intervalS: number;
  requestTimeoutMs: number;
  /** unset: the first free /24 from 172.31.250.0/24 down */
  subnet?: string;
  lossProbability: number;
  skewSeconds: number;
  /** clock rate change of the drift variant (0.1: 10% fast or slow) */
  drift: number;
  recoveryTimeoutS: number;
}

export interface RunArgs {
  workload?: string;
  nemesis?: string;
  scenario?: string;
  partitions?: string;
  clock?: string;
  drift?: number;
  nodes?: number;
  timeLimit?: number;
  concurrency?: number;
  rate?: number;
  seed?: number;
  store?: string;
  nodeOpt?: string[];
  interval?: number;
  testName?: string;
  subnet?: string;
  loss?: number;
  skew?: number;
  requestTimeout?: number;
  recoveryTimeout?: number;
}

export function resolveRunConfig(a: RunArgs): RunConfig {
  const workload = (a.workload ?? 'register') as WorkloadName;
  if (!WORKLOADS.includes(workload)) throw new UsageError(`--workload must be one of ${WORKLOADS.join(', ')}; got ${JSON.stringify(a.workload)}`);
  const scenario = (a.scenario ?? 'chaos') as Scenario;
  if (!SCENARIOS.includes(scenario)) throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}; got ${JSON.stringify(a.scenario)}`);
  const chosen = parseFamilies(a.nemesis ?? 'all');
  if (scenario !== 'chaos' && chosen.length === 0) throw new UsageError(`--scenario ${scenario} injects faults: it cannot run with --nemesis none`);
  const families = scenarioFamilies(scenario, chosen);
  const clockVariants = (a.clock ?? CLOCK_VARIANTS.join(',')).split(',').map((c) => {
    if (!(CLOCK_VARIANTS as readonly string[]).includes(c)) throw new UsageError(`--clock: unknown clock fault ${JSON.stringify(c)}; expected ${CLOCK_VARIANTS.join(', ')}`);
    return c as ClockVariant;
  });
  const drift = a.drift ?? 0.1;
  if (!(drift > 0 && drift < 1)) throw new UsageError(`--drift must be a rate change between 0 and 1 (0.1 = 10% fast or slow); got ${a.drift}`);
  const topologies = (a.partitions ?? TOPOLOGIES.join(',')).split(',').map((t) => {
    if (!(TOPOLOGIES as readonly string[]).includes(t)) throw new UsageError(`--partitions: unknown topology ${JSON.stringify(t)}; expected ${TOPOLOGIES.join(', ')}`);
    return t as Topology;
  });
  const nodeOpts: Record<string, string> = {};
  for (const kv of a.nodeOpt ?? []) {
    const m = /^([\w-]+)=(.+)$/.exec(kv);
    if (!m) throw new UsageError(`--node-opt expects key=value, got ${JSON.stringify(kv)}`);
    nodeOpts[m[1]] = m[2];
  }
  const positive = (name: string, v: number | undefined, dflt: number): number => {
    const x = v ?? dflt;
    if (!(x > 0)) throw new UsageError(`--${name} must be positive; got ${v}`);
    return x;
  };
  const nodes = positive('nodes', a.nodes, 5);
  if (!Number.isInteger(nodes) || nodes > 9) throw new UsageError('--nodes must be an integer from 1 to 9');
  const concurrency = positive('concurrency', a.concurrency, 10);
  if (!Number.isInteger(concurrency)) throw new UsageError(`--concurrency must be an integer; got ${a.concurrency}`);
  const lossProbability = a.loss ?? 0.3;
  if (!(lossProbability > 0 && lossProbability <= 1)) throw new UsageError(`--loss must be a probability in (0, 1]; got ${a.loss}`);
  const testName = a.testName ?? `${workload}-${scenario !== 'chaos' ? scenario : families.length === 0 ? 'none' : families.join('-')}`;
  if (!/^\w[\w.-]*$/.test(testName) || testName === 'latest') throw new UsageError(`--test-name must start with a letter or digit and hold letters, digits, '.', '_' and '-' only (not 'latest'); got ${JSON.stringify(testName)}`);
  const seed = a.seed ?? Date.now() % 1_000_000;
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer; got ${a.seed}`);
  const subnet = a.subnet;
  if (subnet !== undefined && !/^\d+\.\d+\.\d+\.0\/24$/.test(subnet)) throw new UsageError('--subnet must be a /24 such as 172.31.250.0/24');
  return {
    testName,
    workload,
    families,
    scenario,
    topologies,
    clockVariants,
    nodes,
    timeLimitS: positive('time-limit', a.timeLimit, 30),
    concurrency,
    rate: positive('rate', a.rate, 200),
    seed,
    store: a.store ?? 'results',
    nodeOpts,
    intervalS: positive('interval', a.interval, 5),
    requestTimeoutMs: positive('request-timeout', a.requestTimeout, 2000),
    subnet,
    lossProbability,
    skewSeconds: positive('skew', a.skew, 2),
    drift,
    recoveryTimeoutS: positive('recovery-timeout', a.recoveryTimeout, 30),
  };
}

/** The nemesis of a run in a few words: its scenario, or for chaos its fault families. */
export function describeNemesis(c: { scenario?: string; families: readonly string[] }): string {
  return c.scenario && c.scenario !== 'chaos' ? c.scenario : c.families.join(',') || 'none';
}
