import type { Valid } from '../../checkers/types.js';
import { describeNemesis, type RunConfig } from '../controller/config.js';
import type { RunSummary } from '../controller/run.js';
import type { RunStatus, RunVerdict } from './outcome.js';
import type { CampaignRun, Expectation } from './types.js';

/** One run of a campaign as campaign.json records it. */
export interface RunReport {
  /** 1-based, as printed; runs[run - 1] in the file */
  run: number;
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

export function describeRun(r: CampaignRun): Pick<RunReport, 'run' | 'testName' | 'workload' | 'nemesis' | 'nodeOpts' | 'seed' | 'expect' | 'config'> {
  const c = r.config;
  return {
    run: r.index + 1,
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
