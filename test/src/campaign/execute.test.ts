import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Valid } from '../../../checkers/types.js';
import { FAMILIES } from '../../../nemesis/families.js';
import { runCampaign } from '../../../src/campaign/execute.js';
import { parseCampaign } from '../../../src/campaign/parse.js';
import type { CampaignReport } from '../../../src/campaign/report.js';
import { describeRun } from '../../../src/campaign/report.js';
import { RUN_KEYS } from '../../../src/campaign/run-keys.js';
import { formatCampaignReport, formatPlan } from '../../../src/campaign/table.js';
import type { RunConfig } from '../../../src/controller/config.js';
import { RunAbortedError, type RunSummary } from '../../../src/controller/run.js';

const store = mkdtempSync(path.join(tmpdir(), 'faultline-campaign-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

const campaign = (runs: object[]) =>
  parseCampaign(JSON.stringify({ name: 'nightly', defaults: { seed: 1, nodes: 3 }, runs }), { file: 'nightly.json', store, keys: RUN_KEYS });

/** A stand-in for runTest: each config's verdict by workload, in call order. */
function fakeRunTest(verdicts: Record<string, Valid | 'abort' | 'interrupt'>, calls: RunConfig[], onCall?: () => void) {
  return async (cfg: RunConfig): Promise<RunSummary> => {
    calls.push(cfg);
    onCall?.();
    const dir = path.join(store, cfg.testName, String(calls.length));
    const v = verdicts[cfg.workload];
    if (v === 'abort') throw new RunAbortedError(dir, new Error('cluster did not come up'));
    return {
      dir,
      valid: v === 'interrupt' ? 'unknown' : v,
      results: v === 'interrupt' ? {} : { linearizable: { valid: v } },
      counts: { ok: 10, fail: 1, info: 0 },
      throughput: { opsPerSecond: 123, p50: 1, p99: 2 },
      faults: 2,
      faultFailures: 0,
      elections: 1,
      recoveries: [],
      finalRecoveryMs: 50,
      interrupted: v === 'interrupt',
    };
  };
}

const readJson = (r: CampaignReport): CampaignReport => JSON.parse(readFileSync(path.join(r.dir, 'campaign.json'), 'utf8'));

describe('running a campaign', () => {
  it('runs every run in order and records each against its expectation in campaign.json', async () => {
    const calls: RunConfig[] = [];
    const c = campaign([{ workload: 'register' }, { workload: 'set', nodeOpt: ['read-mode=local'], expect: 'invalid' }]);
    const report = await runCampaign(c, { runTest: fakeRunTest({ register: true, set: false }, calls), stopped: () => false });
    expect(calls.map((x) => x.workload)).toEqual(['register', 'set']);
    expect(report.runs.map((r) => [r.verdict, r.expect, r.status])).toEqual([
      ['valid', 'valid', 'met'],
      ['invalid', 'invalid', 'met'],
    ]);
    expect(report.exitCode).toBe(0);
    expect(report.valid).toBe(true);
    expect(report.runs.map((r) => [r.started !== null, typeof r.elapsedS, r.anomalies.length])).toEqual([
      [true, 'number', 0],
      [true, 'number', 1],
    ]);
    expect(report.runs[1].anomalies[0]).toMatch(/^linearizable: /);
    expect(path.relative(store, report.dir)).toMatch(/^nightly\/\d{4}-\d\d-\d\dT\d{6}/);
    expect(readlinkSync(path.join(store, 'nightly', 'latest'))).toBe(path.basename(report.dir));
    expect(existsSync(path.join(store, 'latest'))).toBe(false); // the store's latest stays the newest run
    const saved = readJson(report);
    expect(saved.finished).not.toBeNull();
    expect(saved.runs[1].summary).toMatchObject({ valid: false, checkers: { linearizable: false }, counts: { ok: 10 } });
    expect(saved.runs[1].dir).toBe(path.join(store, 'set-all', '2'));
  });

  it('an unsafe mode that is not caught is unmet: exit 1', async () => {
    const report = await runCampaign(campaign([{ workload: 'register', expect: 'invalid' }]), {
      runTest: fakeRunTest({ register: true }, []),
      stopped: () => false,
    });
    expect(report.runs[0].status).toBe('unmet');
    expect(report.exitCode).toBe(1);
    expect(formatCampaignReport(report)).toMatch(/UNMET/);
  });

  it('an aborted run is recorded and the campaign goes on; exit 255', async () => {
    const calls: RunConfig[] = [];
    const report = await runCampaign(campaign([{ workload: 'bank' }, { workload: 'register' }]), {
      runTest: fakeRunTest({ bank: 'abort', register: true }, calls),
      stopped: () => false,
    });
    expect(calls).toHaveLength(2);
    expect(report.runs[0]).toMatchObject({ status: 'error', error: 'cluster did not come up', verdict: null });
    expect(report.runs[0].dir).toMatch(/bank-/);
    expect(report.exitCode).toBe(255);
    expect(formatCampaignReport(report)).toContain('run 1 aborted: cluster did not come up');
  });

  it('SIGINT: the current run ends interrupted, no further run starts; exit 2', async () => {
    let stop = false;
    const calls: RunConfig[] = [];
    const c = campaign([{ workload: 'register' }, { workload: 'set' }, { workload: 'bank' }]);
    const report = await runCampaign(c, {
      runTest: fakeRunTest({ register: true, set: 'interrupt', bank: true }, calls, () => (stop = calls.length === 2)),
      stopped: () => stop,
    });
    expect(calls.map((x) => x.workload)).toEqual(['register', 'set']);
    expect(report.runs.map((r) => r.status)).toEqual(['met', 'unknown', 'skipped']);
    expect(report.stopped).toBe(true);
    expect(report.exitCode).toBe(2);
    expect(readJson(report).runs[2]).toMatchObject({ status: 'skipped', dir: null });
  });

  it('a stop between runs (signal outside runTest) also ends the campaign', async () => {
    let n = 0;
    const calls: RunConfig[] = [];
    const report = await runCampaign(campaign([{ workload: 'register' }, { workload: 'set' }]), {
      runTest: fakeRunTest({ register: true, set: true }, calls),
      stopped: () => n++ > 0,
    });
    expect(calls).toHaveLength(1);
    expect(report.runs.map((r) => r.status)).toEqual(['met', 'skipped']);
    expect(report.exitCode).toBe(2);
  });

  it('the end table has a row per run with the columns of the contract; the plan shows what would run', async () => {
    const report = await runCampaign(
      campaign([{ workload: 'register' }, { workload: 'set', nemesis: 'partition', nodeOpt: ['read-mode=local'], expect: 'invalid' }]),
      {
        runTest: fakeRunTest({ register: true, set: false }, []),
        stopped: () => false,
      },
    );
    const lines = formatCampaignReport(report).split('\n');
    expect(lines[1]).toMatch(/^run +workload +nemesis +node opts +verdict +expected +outcome +ops\/s +results$/);
    expect(lines[3]).toMatch(/^2 +set +partition +read-mode=local +invalid +invalid +met +123 +\//);
    expect(lines[4]).toBe('outcome    every expectation met (2 met, 0 unmet, 0 unknown, 0 aborted, 0 skipped)');
    expect(formatPlan(campaign([{ workload: 'orders', timeLimit: 12 }]).runs.map(describeRun))).toMatch(
      new RegExp(`\\n1 +runs\\[0\\] +orders-all +orders +${FAMILIES.join(',')} +- +3 +12s +1 +valid\\n$`),
    );
  });
});
