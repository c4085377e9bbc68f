import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faultlineTsx } from '../../../support/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-compare-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const faultline = faultlineTsx;

function campaign(name: string, runs: object[] | string): string {
  const d = path.join(dir, 'nightly', name);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'campaign.json'), typeof runs === 'string' ? runs : JSON.stringify({ name: 'nightly', runs }));
  return d;
}
const run = (over: object) => ({
  run: 1,
  key: 'workload="register"',
  workload: 'register',
  nemesis: 'all',
  status: 'met',
  verdict: 'valid',
  expect: 'valid',
  opsPerSecond: 200,
  summary: { finalRecoveryMs: 300 },
  ...over,
});

describe('faultline compare', () => {
  it('exits 0 with no regression and 1 with one, naming it', async () => {
    const a = campaign('a', [run({})]);
    const b = campaign('b', [run({ opsPerSecond: 190 })]);
    const c = campaign('c', [run({ status: 'unmet', verdict: 'invalid' })]);
    const same = await faultline('compare', a, b);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('no regression');
    const worse = await faultline('compare', a, c);
    expect(worse.code).toBe(1);
    expect(worse.stdout).toContain('REGRESSION run 1 (register, all): expected valid: met before, now ended invalid');
    expect((await faultline('compare', b, a, '--max-throughput-drop', '0')).code).toBe(0); // faster is never a regression
    expect((await faultline('compare', a, b, '--max-throughput-drop', '0.01')).code).toBe(1);
  });

  it('exits 254 on bad input, naming it', async () => {
    const a = campaign('a2', [run({})]);
    const runDir = path.join(dir, 'register', 'r1');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(path.join(runDir, 'test.json'), '{}');
    const cases: [string[], RegExp][] = [
      [[a, path.join(dir, 'nope')], /nope: no such directory/],
      [[a, runDir], /r1: a run's directory, not a campaign's/],
      [[a, dir], /not a campaign directory \(no campaign\.json\)/],
      [[a, campaign('broken', '{\n "runs": [\n  {"run": 1,}\n ]\n}')], /broken\/campaign\.json:3: not valid JSON/],
      [[a, campaign('torn', '{\n "runs": [\n }')], /torn\/campaign\.json(:\d+)?: not valid JSON/],
      [[a, campaign('shape', '{"runs": 3}')], /shape\/campaign\.json:1: expected a campaign report/],
      [[a, a, '--max-throughput-drop', '-1'], /--max-throughput-drop must be a number ≥ 0; got -1/],
    ];
    for (const [args, message] of cases) {
      const r = await faultline('compare', ...args);
      expect(r.code, args.join(' ')).toBe(254);
      expect(r.stderr).toMatch(message);
    }
  });
});
