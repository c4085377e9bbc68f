import type { Valid } from '../../checkers/types.js';
import { describeNemesis, type RunConfig } from '../controller/config.js';
import type { RunSummary } from '../controller/run.js';
import type { RunStatus, RunVerdict } from './outcome.js';
import type { CampaignRun, Expectation } from './types.js';

/** One run of a campaign as campaign.json records it. */
export interface RunReport {
  /** 1-based position in the plan, as printed */
  run: number;
  /** where it comes from in the file: runs[source] */
  source: number;
  /** the value each list-valued key took (empty when none) */
  matrix: Record<string, unknown>;
  /** 1-based repetition (--repeat) */
  repeat: number;
  /** its identity across campaigns (faultline compare matches runs by it) */
  key: string;
  testName: string;
  workload: string;
  nemesis: string;
  nodeOpts: string;
  seed: number;
  expect: Expectation;
  /** null when the run aborted or was skipped */
  verdict: RunVerdict | null;
  status: RunStatus;
  /** the run's results directory (null if skipped) */
  dir: string | null;
  opsPerSecond: number | null;
  /** when it started (ISO) and how long it took, s; null until it ran */
  started: string | null;
  elapsedS: number | null;
  /** what each checker that did not say valid found, in words (src/report/anomalies.ts) */
  anomalies: string[];
  /** the run's summary; each checker's full result is in the run's results.json */
  summary: (Omit<RunSummary, 'results' | 'dir'> & { checkers: Record<string, Valid> }) | null;
  error?: string;
  config: RunConfig;
}

/** campaign.json: written when the campaign starts and after every run. */
export interface CampaignReport {
  name: string;
  file: string;
  description?: string;
  dir: string;
  started: string;
  /** null while the campaign runs (a crashed campaign leaves it null) */
  finished: string | null;
  /** stopped by SIGINT / SIGTERM before its last run */
  stopped: boolean;
  /** every expectation met: true; merged as verdicts are */
  valid: Valid;
  exitCode: number | null;
  runs: RunReport[];
}

export function describeRun(
  r: CampaignRun,
): Pick<RunReport, 'run' | 'source' | 'matrix' | 'repeat' | 'key' | 'testName' | 'workload' | 'nemesis' | 'nodeOpts' | 'seed' | 'expect' | 'config'> {
  const c = r.config;
  return {
    run: r.index + 1,
    source: r.source,
    matrix: r.matrix,
    repeat: r.repeat,
    key: r.key,
    testName: c.testName,
    workload: c.workload,
    nemesis: describeNemesis(c),
    nodeOpts: [...(c.sut !== 'exchange' ? [`sut=${c.sut}`] : []), ...Object.entries(c.sutOpts).map(([k, v]) => `${k}=${v}`)].join(' '),
    seed: c.seed,
    expect: r.expect,
    config: c,
  };
}

export function summaryOf(s: RunSummary): NonNullable<RunReport['summary']> {
  const { results, dir: _dir, ...facts } = s;
  return { ...facts, checkers: Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.valid])) };
}
