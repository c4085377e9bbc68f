import { describe, expect, it } from 'vitest';
import { compareCampaigns, comparedRuns } from '../../../src/compare/compare.js';
import { formatComparison } from '../../../src/compare/report.js';

const run = (key: string, over: Record<string, unknown> = {}) => ({
  run: 1,
  key,
  workload: 'register',
  nemesis: 'all',
  nodeOpts: '',
  status: 'met',
  verdict: 'valid',
  expect: 'valid',
  opsPerSecond: 200,
  dir: `/s/${key}`,
  summary: { finalRecoveryMs: 400 },
  ...over,
});

describe('comparing two campaigns', () => {
  it('no regression when every run still meets its expectation and performs within the thresholds', () => {
    const old = { runs: [run('a'), run('b', { opsPerSecond: 100 })] };
    const now = { runs: [run('b', { opsPerSecond: 80, summary: { finalRecoveryMs: 1300 } }), run('a', { opsPerSecond: 151 })] };
    const c = compareCampaigns(old, now);
    expect(c.pairs.map((p) => p.old.key)).toEqual(['a', 'b']);
    expect(c.regressions).toEqual([]);
    expect(formatComparison(c, 'old', 'new')).toMatch(/outcome +no regression\n$/);
  });

  it('a run that met its expectation and no longer does is a regression, whatever it ended as', () => {
    const old = { runs: ['u', 'k', 'e', 's', 'x'].map((k) => run(k)) };
    const now = {
      runs: [
        run('u', { status: 'unmet', verdict: 'invalid' }),
        run('k', { status: 'unknown', verdict: 'unknown' }),
        run('e', { status: 'error', verdict: null, opsPerSecond: null, summary: null }),
        run('s', { status: 'skipped', verdict: null, opsPerSecond: null, summary: null }),
        run('x'),
      ],
    };
    const c = compareCampaigns(old, now);
    expect(c.regressions.map((r) => [r.key, r.kind, r.message])).toEqual([
      ['u', 'expectation', 'expected valid: met before, now ended invalid'],
      ['k', 'expectation', 'expected valid: met before, now ended unknown'],
      ['e', 'expectation', 'expected valid: met before, now aborted'],
      ['s', 'expectation', 'expected valid: met before, now was skipped'],
    ]);
    // one unmet before and still: not a new regression
    expect(compareCampaigns({ runs: [run('u', { status: 'unmet' })] }, { runs: [run('u', { status: 'unmet' })] }).regressions).toEqual([]);
  });

  it('throughput and recovery worse than the thresholds are regressions; the thresholds are options', () => {
    const old = { runs: [run('t'), run('r'), run('n')] };
    const now = { runs: [run('t', { opsPerSecond: 149 }), run('r', { summary: { finalRecoveryMs: 1500 } }), run('n', { summary: { finalRecoveryMs: null } })] };
    const c = compareCampaigns(old, now);
    expect(c.regressions.map((r) => [r.key, r.kind])).toEqual([
      ['t', 'throughput'],
      ['r', 'recovery'],
      ['n', 'recovery'],
    ]);
    expect(c.regressions[0].message).toBe('throughput 200 → 149 ops/s (26% lower; the threshold is 25%)');
    expect(c.regressions[2].message).toBe('recovered 400 ms after the final heal before, now did not converge');
    const lenient = compareCampaigns(old, now, { maxThroughputDrop: 0.3, maxRecoveryIncrease: 3, minRecoveryIncreaseMs: 1000 });
    expect(lenient.regressions.map((r) => r.key)).toEqual(['n']);
    expect(formatComparison(c, 'o', 'n')).toContain('REGRESSION run 1 (register, all): throughput 200 → 149 ops/s');
  });

  it('runs in only one campaign are reported, not counted; old reports without keys are matched by run number', () => {
    const c = compareCampaigns({ runs: [run('a'), run('gone')] }, { runs: [run('a'), run('added')] });
    expect(c.regressions).toEqual([]);
    expect(c.onlyOld.map((r) => r.key)).toEqual(['gone']);
    expect(c.onlyNew.map((r) => r.key)).toEqual(['added']);
    expect(comparedRuns({ runs: [{ run: 3, status: 'met' }, 'junk'] }).map((r) => [r.key, r.status])).toEqual([
      ['run 3', 'met'],
      ['run 2', 'unknown'],
    ]);
  });
});
