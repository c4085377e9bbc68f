import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DetectRun, runFlags, summarizeRun } from '../../bench/detect-table.js';
import { parseCampaign } from '../../src/campaign/parse.js';
import { RUN_KEYS } from '../../src/campaign/run-keys.js';
import type { CampaignRun } from '../../src/campaign/types.js';
import { clustersOf, DOCKER, leftovers, REQUIRE_DOCKER } from '../support/docker.js';
import { repoRoot } from '../support/fixtures.js';

/**
 * CI's detection check: every planted bug of campaigns/detect.json, with the bench's
 * flags (only --nemesis all, 60 s, 5 nodes, a fresh seed per try), is run until it is
 * caught, at most TRIES times; a bug that escapes every try fails. The safe node runs
 * once per workload and must be valid. Two clusters run side by side, as the bench
 * does, to fit CI's budget.
 */
const TRIES = 3;
const PARALLEL = 2;
/**
 * Planted bugs this CI check does not run yet, with why: a bug the bench caught in fewer
 * than 5 of 5 runs would fail CI by chance too often (at 4 of 5, (1-p)^3 is about 1%
 * per bug, and 4 of 5 does not rule out p = 0.6: 6%), so it is listed here,
 * skipped in the report, until the nemesis finds it reliably. Each is still caught by the
 * simulation (test/systems/exchange/raft/sim.test.ts), the fsync ones by test/e2e/disk.test.ts. Measured by npm run bench:detect (README, "Detection rate").
 */
const MEASURED = 'caught in {n} of 5 runs by npm run bench:detect -- --runs 5 --seed 918300';
const NOT_YET: Record<string, string> =
  process.env.FAULTLINE_PLANTED_ALL === '1'
    ? {}
    : {
        'bug-read-lease': MEASURED.replace('{n}', '3'),
        'bug-persist-vote-none': MEASURED.replace('{n}', '4'),
        'bug-commit-any-term': `${MEASURED.replace('{n}', '0')}; its path (an earlier term's entry committed by counting) was never taken`,
        'bug-snapshot-install-always': `${MEASURED.replace('{n}', '0')}; a stale snapshot was installed in all 5, and the follower applied the same entries again (the checkpoints agreed)`,
        'bug-lease-start-ack': `${MEASURED.replace('{n}', '5')}, 3 of 5 with the same breaker on the same seeds before the clock cards went from 4 to 6`,
        'bug-fsync-after-ack': `${MEASURED.replace('{n}', '2')}; caught with 3 nodes under power-cut alone (test/e2e/disk.test.ts)`,
        'bug-fsync-never': `${MEASURED.replace('{n}', '2')}; caught with 3 nodes under power-cut alone (test/e2e/disk.test.ts)`,
      };
/** FAULTLINE_BUGS=name,...: only these rows (a quicker look; CI runs all); FAULTLINE_PLANTED_ALL=1 runs the NOT_YET ones too */
const PICK = process.env.FAULTLINE_BUGS?.split(',');

const store = mkdtempSync(path.join(tmpdir(), 'faultline-bugs-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));
const file = path.join(repoRoot, 'campaigns/detect.json');
const campaign = parseCampaign(readFileSync(file, 'utf8'), { file, store, keys: RUN_KEYS });
const base = Date.now() % 1_000_000;

/** the runs' processes: their clusters are the ones that must be gone */
const pids: number[] = [];

function run(row: CampaignRun, seed: number): Promise<DetectRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/faultline.js'), 'run', ...runFlags(row.args), '--seed', String(seed), '--store', store], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid) pids.push(child.pid);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve(summarizeRun(row, seed, code, out.trim().split('\n').pop() ?? '')));
  });
}

/** each row tried until `done` says so or TRIES runs, PARALLEL rows at a time; every try's summary */
async function tryAll(rows: CampaignRun[], done: (r: DetectRun) => boolean): Promise<Map<string, DetectRun[]>> {
  const tries = new Map<string, DetectRun[]>(rows.map((r) => [r.config.testName, []]));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const row = rows[next++];
      const mine = tries.get(row.config.testName) as DetectRun[];
      for (let i = 0; i < TRIES; i++) {
        const r = await run(row, base + 1000 * i);
        mine.push(r);
        if (done(r)) break;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return tries;
}

const describeTries = (rs: DetectRun[]): string =>
  rs.map((r) => `seed ${r.seed}: ${r.verdict}${r.caughtBy.length ? ` (${r.caughtBy.join(', ')})` : ''} ${r.dir}`).join('; ');

describe.runIf(DOCKER || REQUIRE_DOCKER)('planted bugs are caught with only --nemesis all', () => {
  const picked = campaign.runs.filter((r) => !PICK || PICK.includes(r.config.testName));
  const bugs = picked.filter((r) => r.expect === 'invalid' && !(r.config.testName in NOT_YET));
  const safe = picked.filter((r) => r.expect === 'valid');
  for (const [name, why] of Object.entries(NOT_YET)) it.skip(`${name}: not in CI yet — ${why}`, () => {});

  it('has a Docker engine (CI must not silently skip these tests)', () => {
    expect(DOCKER).toBe(true);
  });

  it.runIf(bugs.length > 0)(
    `every planted bug is found invalid within ${TRIES} runs of 60 s`,
    async () => {
      const tries = await tryAll(bugs, (r) => r.verdict === 'invalid');
      const escaped = [...tries].filter(([, rs]) => !rs.some((r) => r.verdict === 'invalid'));
      expect(escaped.map(([name, rs]) => `${name}: ${describeTries(rs)}`)).toEqual([]);
      expect(leftovers(clustersOf(pids))).toEqual({ containers: '', networks: '' });
    },
    50 * 60_000,
  );

  it.runIf(safe.length > 0)(
    'the safe node with the same options is valid',
    async () => {
      const tries = await tryAll(safe, () => true);
      for (const [name, rs] of tries)
        expect(
          rs.map((r) => r.verdict),
          `${name}: ${describeTries(rs)}`,
        ).toEqual(['valid']);
    },
    10 * 60_000,
  );
});
