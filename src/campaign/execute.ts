import type { RunConfig } from '../controller/config.js';
import { RunAbortedError, type RunSummary } from '../controller/run.js';
import { anomalyText, describeAnomalies } from '../report/anomalies.js';
import { createRunDir } from '../store/store.js';
import { writeCampaignJson } from '../store/writers.js';
import { campaignExitCode, campaignValid, statusOf, verdictName } from './outcome.js';
import { type CampaignReport, describeRun, type RunReport, summaryOf } from './report.js';
import type { Campaign, CampaignRun } from './types.js';

export interface CampaignDeps {
  /** runTest in production; a fake in unit tests */
  runTest: (cfg: RunConfig) => Promise<RunSummary>;
  /** true once the campaign was asked to stop (SIGINT): no further run starts */
  stopped: () => boolean;
  now?: () => Date;
  onRunStart?: (run: CampaignRun) => void;
  onRunEnd?: (report: RunReport, summary: RunSummary | null) => void;
  /** after campaign.json is written (at the start, after each run, at the end) */
  onReport?: (report: CampaignReport) => void;
}

/**
 * Runs a campaign's runs one after another (each run brings its own cluster up and
 * tears it down), and keeps `<store>/<name>/<timestamp>/campaign.json` current after
 * each, so a crashed campaign still says what it did. A run that aborts (cluster
 * could not come up) is recorded and the campaign goes on, as Jepsen's test-all
 * does; an interrupted run stops the campaign, the rest recorded as skipped.
 */
export async function runCampaign(c: Campaign, deps: CampaignDeps): Promise<CampaignReport> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const store = c.runs[0].config.store;
  const dir = createRunDir(store, c.name, started, { storeLatest: false });
  const report: CampaignReport = {
    name: c.name,
    file: c.file,
    ...(c.description ? { description: c.description } : {}),
    dir,
    started: started.toISOString(),
    finished: null,
    stopped: false,
    valid: 'unknown',
    exitCode: null,
    runs: c.runs.map((r) => ({
      ...describeRun(r),
      verdict: null,
      status: 'skipped',
      dir: null,
      opsPerSecond: null,
      started: null,
      elapsedS: null,
      anomalies: [],
      summary: null,
    })),
  };
  const save = (): void => {
    writeCampaignJson(dir, report);
    deps.onReport?.(report);
  };
  save();

  for (const run of c.runs) {
    if (deps.stopped()) {
      report.stopped = true;
      break;
    }
    deps.onRunStart?.(run);
    const r = report.runs[run.index];
    let summary: RunSummary | null = null;
    const t0 = now();
    r.started = t0.toISOString();
    try {
      summary = await deps.runTest(run.config);
      r.verdict = verdictName(summary.valid);
      r.status = statusOf(run.expect, r.verdict, summary.interrupted);
      r.dir = summary.dir;
      r.opsPerSecond = summary.throughput.opsPerSecond;
      r.summary = summaryOf(summary);
      r.anomalies = describeAnomalies(summary.results).map(anomalyText);
    } catch (err) {
      r.status = 'error';
      r.dir = err instanceof RunAbortedError ? err.dir : null;
      const cause = err instanceof RunAbortedError ? err.cause : err;
      r.error = cause instanceof Error ? cause.message : String(cause);
    }
    r.elapsedS = Math.round((now().getTime() - t0.getTime()) / 100) / 10;
    save();
    deps.onRunEnd?.(r, summary);
    if (summary?.interrupted) {
      report.stopped = true;
      break;
    }
  }
  if (report.runs.some((r) => r.status === 'skipped')) report.stopped = true;
  const statuses = report.runs.map((r) => r.status);
  report.valid = campaignValid(statuses);
  report.exitCode = campaignExitCode(statuses);
  report.finished = now().toISOString();
  save();
  return report;
}
