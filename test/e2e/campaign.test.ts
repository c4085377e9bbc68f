import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BinResult, faultlineBin } from '../support/cli.js';
import { DOCKER, REQUIRE_DOCKER } from '../support/docker.js';

const store = mkdtempSync(path.join(tmpdir(), 'faultline-e2e-campaign-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

/** This test's clusters still present (others' tests may share the engine, so only ours count). */
function ourLeftovers(): string[] {
  const labels = execFileSync('docker', ['ps', '-a', '--filter', 'label=faultline.cluster', '--format', '{{.Label "faultline.cluster"}}'], {
    encoding: 'utf8',
  });
  return labels.split('\n').filter((l) => l.startsWith('e2e-'));
}

const faultline = (args: string[]): Promise<BinResult> => faultlineBin(args, store);

describe.runIf(DOCKER || REQUIRE_DOCKER)('faultline campaign against a real Docker cluster', () => {
  it('has a Docker engine (CI must not silently skip these tests)', () => {
    expect(DOCKER).toBe(true);
  });

  // The safe run is `set`, not `register`: register draws a cas's expected value from
  // every value written so far, so in a short run no cas may succeed and the stats
  // checker (never ok: cas) calls the run invalid.
  it('a safe run is valid and read-mode=local under partitions is caught: every expectation met', async () => {
    const file = path.join(store, 'e2e.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'e2e',
        defaults: { nodes: 3, concurrency: 6, rate: 150, interval: 3, seed: 1 },
        runs: [
          { workload: 'set', nemesis: 'partition,kill', timeLimit: 10, testName: 'e2e-safe' },
          {
            workload: 'register',
            nemesis: 'partition',
            partitions: 'isolate-leader,majority',
            nodeOpt: ['read-mode=local'],
            timeLimit: 15,
            testName: 'e2e-read-local',
            expect: 'invalid',
          },
        ],
      }),
    );
    const junit = path.join(store, 'reports', 'junit.xml');
    const r = await faultline(['campaign', file, '--junit', junit]);
    expect(r.stdout).toMatch(/\n1 +set +partition,kill +- +valid +valid +met +\d+ +\//);
    expect(r.stdout).toMatch(/\n2 +register +partition +read-mode=local +invalid +invalid +met +\d+ +\//);
    expect(r.stdout).toContain('every expectation met (2 met, 0 unmet, 0 unknown, 0 aborted, 0 skipped)');
    expect(r.code).toBe(0);

    const campaign = JSON.parse(readFileSync(path.join(r.dir, 'campaign.json'), 'utf8'));
    expect(path.relative(store, r.dir)).toMatch(/^e2e\//);
    expect(campaign).toMatchObject({ name: 'e2e', valid: true, exitCode: 0, stopped: false });
    expect(campaign.runs.map((x: { status: string }) => x.status)).toEqual(['met', 'met']);
    // each run wrote its own results directory in the store
    for (const [i, valid] of [
      [0, true],
      [1, false],
    ] as const) {
      expect(JSON.parse(readFileSync(path.join(campaign.runs[i].dir, 'results.json'), 'utf8')).valid).toBe(valid);
    }
    // the JUnit report: both runs passed, each naming its results directory
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="e2e" tests="2" failures="0" errors="0" skipped="0"');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    for (const run of campaign.runs) expect(xml).toContain(`results: ${run.dir}`);
    expect(ourLeftovers()).toEqual([]); // every run tore its cluster down
  }, 300_000);
});
