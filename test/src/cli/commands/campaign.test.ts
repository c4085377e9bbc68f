import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faultlineTsx } from '../../../support/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-campaign-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const faultline = faultlineTsx;

const file = path.join(dir, 'matrix.json');
writeFileSync(
  file,
  JSON.stringify({ name: 'matrix', defaults: { seed: [1, 2] }, runs: [{ workload: ['register', 'set'], nodeOpt: [[], ['read-mode=local']] }] }),
);

describe('faultline campaign: matrices, --repeat and --junit', () => {
  it('--dry-run prints the expanded plan, repeated', async () => {
    const r = await faultline('campaign', file, '--dry-run', '--repeat', '2', '--store', dir);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(1);
    expect(rows).toHaveLength(16);
    expect(rows[1]).toMatch(/^2 +runs\[0\] +register-\S+ +register +\S+ +read-mode=local +5 +30s +1 +valid$/);
    expect(rows[15]).toMatch(/^16 +runs\[0\] #2 +set-\S+ +set +\S+ +read-mode=local +5 +30s +2 +valid$/);
  });

  it('refuses a bad --repeat and an unwritable --junit before any run starts (exit 254)', async () => {
    const bad = await faultline('campaign', file, '--repeat', '0', '--store', dir);
    expect(bad.code).toBe(254);
    expect(bad.stderr).toContain('--repeat must be an integer from 1 to 1000; got 0');
    writeFileSync(path.join(dir, 'a-file'), '');
    const junit = await faultline('campaign', file, '--junit', path.join(dir, 'a-file', 'x.xml'), '--store', dir);
    expect(junit.code).toBe(254);
    expect(junit.stderr).toMatch(/--junit ".*a-file\/x\.xml": cannot write \(E[A-Z]+\)/);
    expect(readdirSync(dir).filter((d) => !['matrix.json', 'a-file'].includes(d))).toEqual([]); // no run directory: nothing ran
  });
});
