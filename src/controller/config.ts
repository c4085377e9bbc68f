import { type FaultFamily, parseFamilies } from '../../nemesis/nemesis.js';
import { TOPOLOGIES, type Topology } from '../../nemesis/grudge.js';
import { WORKLOADS, type WorkloadName } from '../../workloads/index.js';
import { UsageError } from '../util/errors.js';

export { WORKLOADS, type WorkloadName };

/** Everything a run needs, resolved once from the command line (defaults → validate → normalize). */
export interface RunConfig {
  testName: string;
  workload: WorkloadName;
  families: FaultFamily[];
  topologies: Topology[];
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
  subnet: string;
  lossProbability: number;
  skewSeconds: number;
  recoveryTimeoutS: number;
}

export interface RunArgs {
  workload?: string;
  nemesis?: string;
  partitions?: string;
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
  const families = parseFamilies(a.nemesis ?? 'all');
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
  const testName = a.testName ?? `${workload}-${families.length === 0 ? 'none' : families.join('-')}`;
  if (!/^\w[\w.-]*$/.test(testName) || testName === 'latest') throw new UsageError(`--test-name must start with a letter or digit and hold letters, digits, '.', '_' and '-' only (not 'latest'); got ${JSON.stringify(testName)}`);
  const seed = a.seed ?? Date.now() % 1_000_000;
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer; got ${a.seed}`);
  const subnet = a.subnet ?? '172.31.250.0/24';
  if (!/^\d+\.\d+\.\d+\.0\/24$/.test(subnet)) throw new UsageError('--subnet must be a /24 such as 172.31.250.0/24');
  return {
    testName,
    workload,
    families,
    topologies,
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
    recoveryTimeoutS: positive('recovery-timeout', a.recoveryTimeout, 30),
  };
}
