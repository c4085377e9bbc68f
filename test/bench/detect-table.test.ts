import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DetectRun, detectionTable, mergeDetectFiles, runFlags, summarizeRun } from '../../bench/detect-table.js';
import { parseCampaign } from '../../src/campaign/parse.js';
import { RUN_KEYS } from '../../src/campaign/run-keys.js';
import { NODE_OPTIONS } from '../../src/sut/exchange/options.js';
import { repoRoot } from '../support/fixtures.js';

const file = path.join(repoRoot, 'campaigns/detect.json');
const campaign = parseCampaign(readFileSync(file, 'utf8'), { file, store: 'results', keys: RUN_KEYS });
const tmp = mkdtempSync(path.join(tmpdir(), 'faultline-detect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('campaigns/detect.json', () => {
  it('holds every unsafe value of every node option (each planted bug), with only --nemesis all, and the safe node', () => {
    const planted = Object.entries(NODE_OPTIONS).flatMap(([k, v]) => (v === 'int' ? [] : v.slice(1).map((x) => `${k}=${x}`)));
    const bugs = campaign.runs.filter((r) => r.expect === 'invalid');
    const used = new Set(bugs.flatMap((r) => Object.entries(r.config.sutOpts).map(([k, v]) => `${k}=${v}`)));
    expect(planted.filter((p) => !used.has(p))).toEqual([]);
    for (const r of campaign.runs) {
      expect(r.args.nemesis).toBe('all');
      expect(r.args.partitions ?? r.args.clock ?? r.args.scenario).toBeUndefined(); // no hints
      expect(r.config.timeLimitS).toBe(60);
    }
    expect(
      campaign.runs
        .filter((r) => r.expect === 'valid')
        .map((r) => r.config.workload)
        .sort(),
    ).toEqual(['append', 'register', 'set']);
  });
});

describe('the detection table', () => {
  it('writes a campaign run back as faultline run flags, without the store and seed the bench sets', () => {
    const row = campaign.runs.find((r) => r.config.testName === 'bug-read-leader-no-check-quorum');
    expect(runFlags(row?.args ?? {})).toEqual([
      '--time-limit',
      '60',
      '--nodes',
      '5',
      '--nemesis',
      'all',
      '--test-name',
      'bug-read-leader-no-check-quorum',
      '--workload',
      'register',
      '--node-opt',
      'snapshot-every=1000',
      '--node-opt',
      'read-mode=leader',
      '--node-opt',
      'check-quorum=off',
    ]);
  });

  it("reads a run's verdict, the checkers that caught it and when, from results.json and the history", () => {
    const row = campaign.runs[0];
    writeFileSync(
      path.join(tmp, 'results.json'),
      JSON.stringify({ valid: false, linearizable: { valid: false, firstAnomalyNs: 9.5e9 }, stats: { valid: true }, run: {} }),
    );
    writeFileSync(
      path.join(tmp, 'history.jsonl'),
      `${JSON.stringify({ index: 0, time: 2e9, type: 'info', process: 'nemesis', f: 'x', value: null })}\n${JSON.stringify({ index: 1, time: 2.5e9, type: 'invoke', process: 0, f: 'read', value: null })}\n`,
    );
    expect(summarizeRun(row, 7, 1, tmp)).toEqual({
      testName: row.config.testName,
      seed: 7,
      verdict: 'invalid',
      caughtBy: ['linearizable'],
      firstAnomalyS: 7,
      dir: tmp,
      bugPaths: [],
    });
    expect(summarizeRun(row, 7, 255, path.join(tmp, 'nowhere')).verdict).toBe('error');
  });

  it("counts the runs in which a traced bug's code path was taken, from the nodes' planted-bug events", () => {
    const row = campaign.runs.find((r) => r.config.testName === 'bug-on-conflict-keep');
    if (!row) throw new Error('no on-conflict row');
    const taken = path.join(tmp, 'taken');
    mkdirSync(path.join(taken, 'nodes', 'n2'), { recursive: true });
    mkdirSync(path.join(taken, 'nodes', 'n4'), { recursive: true });
    writeFileSync(path.join(taken, 'nodes', 'n2', 'node.log'), `${JSON.stringify({ time: 't', node: 'n2', event: 'role', role: 'leader' })}\n`);
    writeFileSync(
      path.join(taken, 'nodes', 'n4', 'node.log'),
      `${JSON.stringify({ time: 't', node: 'n4', event: 'planted-bug', bug: 'on-conflict=keep', hits: 1 })}\n`,
    );
    const runs = [summarizeRun(row, 1, 1, taken), summarizeRun(row, 2, 255, path.join(tmp, 'nowhere'))];
    expect(runs.map((r) => r.bugPaths)).toEqual([['on-conflict=keep'], []]);
    expect(detectionTable([row], runs)).toContain('| on-conflict=keep | register | 2 | 1 | 0 |');
  });

  it("tabulates caught runs, the median time and the checkers, and the safe node's false alarms", () => {
    const bug = campaign.runs[0];
    const safe = campaign.runs.find((r) => r.expect === 'valid' && r.config.workload === bug.config.workload);
    if (!safe) throw new Error('no safe row');
    const r = (testName: string, verdict: DetectRun['verdict'], t: number | null, by: string[] = []): DetectRun => ({
      testName,
      seed: 1,
      verdict,
      caughtBy: by,
      firstAnomalyS: t,
      dir: '',
      bugPaths: [],
    });
    const table = detectionTable(
      [bug, safe],
      [
        r(bug.config.testName, 'invalid', 4, ['linearizable']),
        r(bug.config.testName, 'invalid', 10, ['linearizable']),
        r(bug.config.testName, 'valid', null),
        r(safe.config.testName, 'valid', null),
      ],
    );
    expect(table).toContain('| read-mode=local | register | 3 | — | 2 | 7.0 | linearizable 2 | 0 |');
    expect(table).toContain('| safe node: false alarms | register | 1 | — | 0 | — | — | 0 |');
  });

  it('merges saved parts of a long bench, refusing a run measured twice, and names their commits', () => {
    const run = (testName: string, seed: number): DetectRun => ({ testName, seed, verdict: 'valid', caughtBy: [], firstAnomalyS: null, dir: '', bugPaths: [] });
    const a = { seedBase: 5, commit: 'abc1234', results: [run('bug-x', 5), run('safe-x', 5)] };
    const b = { seedBase: 5, results: [run('bug-x', 1005)] };
    const merged = mergeDetectFiles([
      { name: 'a.json', data: a },
      { name: 'b.json', data: b },
    ]);
    expect(merged.runs.map((r) => `${r.testName}/${r.seed}`)).toEqual(['bug-x/5', 'safe-x/5', 'bug-x/1005']);
    expect(merged.commits).toEqual(['abc1234', 'unknown']);
    expect(() =>
      mergeDetectFiles([
        { name: 'a.json', data: a },
        { name: 'c.json', data: { seedBase: 5, results: [run('safe-x', 5)] } },
      ]),
    ).toThrow('c.json: safe-x seed 5 was measured in a.json too');
  });
});
