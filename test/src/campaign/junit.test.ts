import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderJunit } from '../../../src/campaign/junit.js';
import type { CampaignReport, RunReport } from '../../../src/campaign/report.js';
import { type Browser, HAVE_CHROMIUM, launchBrowser, REQUIRE_BROWSER } from '../../support/browser.js';

const run = (n: number, over: Partial<RunReport>): RunReport =>
  ({
    run: n,
    source: n - 1,
    matrix: {},
    repeat: 1,
    key: `k${n}`,
    testName: `t${n}`,
    workload: 'register',
    nemesis: 'partition',
    nodeOpts: '',
    seed: 7,
    expect: 'valid',
    verdict: 'valid',
    status: 'met',
    dir: `/store/t${n}/2025`,
    opsPerSecond: 100,
    started: '2025-01-01T00:00:00.000Z',
    elapsedS: 12.5,
    anomalies: [],
    summary: null,
    config: {} as RunReport['config'],
    ...over,
  }) as RunReport;

const report: CampaignReport = {
  name: 'nightly',
  file: 'campaigns/nightly.json',
  description: 'a <night> & "day"',
  dir: '/store/nightly/2025',
  started: '2025-01-01T00:00:00.123Z',
  finished: '2025-01-01T00:10:00.000Z',
  stopped: true,
  valid: false,
  exitCode: 255,
  runs: [
    run(1, {}),
    run(2, { verdict: 'invalid', status: 'unmet', anomalies: ['linearizable: not linearizable at key 3: read → 2 <stale> & "old"\n  concurrent: write 4'] }),
    run(3, { verdict: 'valid', status: 'unmet', expect: 'invalid', nodeOpts: 'read-mode=local' }),
    run(4, { verdict: 'unknown', status: 'unknown', anomalies: ['linearizable: undecided: stopped at its time budget'] }),
    run(5, { verdict: null, status: 'error', error: 'cluster did not come up \u001b[31mred\u001b[0m', elapsedS: 3 }),
    run(6, { verdict: null, status: 'skipped', dir: null, started: null, elapsedS: null, repeat: 2 }),
  ],
};

describe('a campaign as JUnit XML', () => {
  const xml = renderJunit(report, { hostname: 'ci-1' });

  it('has one testsuite of one testcase per run, with counts that add up', () => {
    expect(xml.split('\n').slice(0, 2).join('\n')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="faultline campaign nightly" tests="6" failures="2" errors="2" skipped="1" time="53.000">',
    );
    expect(xml).toContain(
      '<testsuite name="nightly" tests="6" failures="2" errors="2" skipped="1" time="53.000" timestamp="2025-01-01T00:00:00" hostname="ci-1">',
    );
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml).not.toMatch(/\u001b/); // control characters are not XML
  });

  let browser: Browser | null = null;
  beforeAll(async () => {
    if (HAVE_CHROMIUM || REQUIRE_BROWSER) browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it.runIf(HAVE_CHROMIUM || REQUIRE_BROWSER)(
    'parses in a real XML parser (chromium) to what CI servers read: the anomaly as the failure message, the run directory in system-out',
    async () => {
      const page = await browser!.context.newPage();
      const doc = await page.evaluate((text) => {
        const d = new DOMParser().parseFromString(text, 'application/xml');
        if (d.querySelector('parsererror')) return { error: d.querySelector('parsererror')?.textContent };
        const suite = d.documentElement.firstElementChild as Element;
        return {
          root: d.documentElement.tagName,
          suite: suite.tagName,
          props: [...suite.querySelectorAll('properties > property')].map((p) => [p.getAttribute('name'), p.getAttribute('value')]),
          cases: [...suite.querySelectorAll(':scope > testcase')].map((tc) => {
            const v = tc.querySelector('failure, error, skipped');
            return {
              name: tc.getAttribute('name'),
              classname: tc.getAttribute('classname'),
              time: Number(tc.getAttribute('time')),
              kind: v?.tagName ?? 'passed',
              type: v?.getAttribute('type') ?? null,
              message: v?.getAttribute('message') ?? null,
              body: v?.textContent ?? null,
              out: tc.querySelector('system-out')?.textContent,
            };
          }),
        };
      }, xml);
      await page.close();
      expect(doc).not.toHaveProperty('error');
      expect(doc.root).toBe('testsuites');
      expect(doc.suite).toBe('testsuite');
      expect(doc.props).toContainEqual(['description', 'a <night> & "day"']);
      const cases = doc.cases!;
      expect(cases.map((c) => c.kind)).toEqual(['passed', 'failure', 'failure', 'error', 'error', 'skipped']);
      expect(cases[0]).toMatchObject({ name: 'run 1: register, nemesis partition (expect valid)', classname: 'nightly.t1', time: 12.5 });
      expect(cases[0].out).toBe('results: /store/t1/2025\nseed: 7\nverdict: valid, expected valid');
      expect(cases[1].message).toBe('expected valid, got invalid: linearizable: not linearizable at key 3: read → 2 <stale> & "old"');
      expect(cases[1].body).toBe('linearizable: not linearizable at key 3: read → 2 <stale> & "old"\n  concurrent: write 4');
      expect(cases[2]).toMatchObject({ type: 'expected-invalid', message: 'expected invalid, got valid: the checkers found no anomaly' });
      expect(cases[2].name).toBe('run 3: register, nemesis partition, read-mode=local (expect invalid)');
      expect(cases[3]).toMatchObject({ type: 'unknown', message: 'expected valid, got unknown: linearizable: undecided: stopped at its time budget' });
      expect(cases[4]).toMatchObject({ type: 'aborted', message: 'the run aborted: cluster did not come up [31mred[0m' });
      expect(cases[5].name).toContain('repetition 2');
      expect(cases[5].out).toBe('results: (none)\nseed: 7');
    },
  );
});
