/**
 * `npm run bench:detect [-- --runs 5] [--from 0] [--parallel 2] [--seed N] [--only name,...] [--store results]`:
 * the detection rate of the planted bugs. Every run of campaigns/detect.json (each planted
 * bug, with only `--nemesis all`, and the safe node) is run `--runs` times as a real
 * `faultline run`, run i of every row with the same fresh seed; then a table: bug, runs,
 * caught, the median seconds from the first client op to the first anomalous op, and
 * which checker caught it; for the safe rows, the false alarms. At most `--parallel`
 * clusters at once (2 by default: the machine is shared). `--from K` starts at run K
 * (seed base + 1000·K), so a long table can be measured in parts;
 * `npm run bench:detect -- --table a.json,b.json [--runs N]` prints the table of saved parts
 * (with --runs, of their runs 0..N-1 only).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCampaign } from '../src/campaign/parse.js';
import { RUN_KEYS } from '../src/campaign/run-keys.js';
import type { CampaignRun } from '../src/campaign/types.js';
import { dockerAvailable } from '../src/cluster/docker.js';
import { type DetectFile, type DetectRun, detectionTable, mergeDetectFiles, runFlags, summarizeRun } from './detect-table.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function faultline(args: string[]): Promise<{ code: number | null; dir: string; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/faultline.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out, dir: out.trim().split('\n').pop() ?? '' }));
  });
}

/** the checkout's commit (a saved part says what code it measured); null outside a git checkout */
function headCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function loadCampaign(store: string): CampaignRun[] {
  const file = arg('campaign') ?? path.join(ROOT, 'campaigns/detect.json');
  return parseCampaign(readFileSync(file, 'utf8'), { file, store, keys: RUN_KEYS }).runs;
}

/** --table a.json,b.json [--runs N]: the table of saved parts (with --runs, only their runs 0..N-1), the rows in the campaign's order */
function printTable(files: string[]): void {
  const parts = files.map((name) => ({ name, data: JSON.parse(readFileSync(name, 'utf8')) as DetectFile }));
  const limit = arg('runs');
  if (limit !== undefined) for (const p of parts) p.data.results = p.data.results.filter((r) => r.seed < p.data.seedBase + 1000 * Number(limit));
  const { runs, commits } = mergeDetectFiles(parts);
  const names = new Set(runs.map((r) => r.testName));
  const rows = loadCampaign('results').filter((r) => names.has(r.config.testName));
  console.log(`${detectionTable(rows, runs)}\n${runs.length} runs from ${files.length} file(s), commit ${commits.join(', ')}`);
}

async function main(): Promise<void> {
  const table = arg('table');
  if (table) return printTable(table.split(','));
  const runs = Number(arg('runs') ?? 5);
  const from = Number(arg('from') ?? 0);
  if (!(Number.isInteger(from) && from >= 0 && from < runs)) {
    console.error(`bench:detect: --from ${from} must be a whole number below --runs ${runs}`);
    process.exit(254);
  }
  const parallel = Number(arg('parallel') ?? 2);
  const store = arg('store') ?? 'results';
  const base = Number(arg('seed') ?? Date.now() % 1_000_000);
  const only = arg('only')?.split(',');
  const timeLimit = arg('time-limit'); // for a quick try only: the figure is measured at the campaign's 60 s
  if (!(await dockerAvailable())) {
    // every run would fail the same way, one after another: say it once
    console.error('bench:detect: no Docker engine answers (start one with: bash docker/host-setup.sh)');
    process.exit(1);
  }
  mkdirSync(store, { recursive: true });
  const rows = loadCampaign(store).filter((r) => !only || only.includes(r.config.testName));
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (${availableParallelism()} cores); ${rows.length} rows × runs ${from}..${runs - 1}, seeds ${base}+1000·i, ${parallel} at a time`,
  );
  const jobs: { row: CampaignRun; seed: number }[] = [];
  for (let i = from; i < runs; i++) for (const row of rows) jobs.push({ row, seed: base + 1000 * i });
  const done: DetectRun[] = [];
  const started = Date.now();
  const commit = headCommit();
  const out = path.join(store, `detect-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
  const save = (): void =>
    writeFileSync(
      out,
      `${JSON.stringify({ seedBase: base, commit, runs, from, started: new Date(started).toISOString(), minutes: (Date.now() - started) / 60_000, results: done }, null, 2)}\n`,
    );
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const { row, seed } = jobs[next++];
      const r = await faultline([
        'run',
        ...runFlags(timeLimit ? { ...row.args, timeLimit: Number(timeLimit) } : row.args),
        '--seed',
        String(seed),
        '--store',
        store,
      ]);
      if (r.code !== 0 && r.code !== 1 && r.code !== 2) console.log(r.out.split('\n').slice(-5).join('\n'));
      const run = summarizeRun(row, seed, r.code, r.dir);
      done.push(run);
      save(); // after each run: an interrupted bench keeps what it measured
      console.log(
        `${row.config.testName} seed ${seed}: ${run.verdict}${run.caughtBy.length ? ` by ${run.caughtBy.join(',')}` : ''}${run.firstAnomalyS !== null ? ` at ${run.firstAnomalyS.toFixed(1)} s` : ''} (${r.dir})`,
      );
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  save();
  console.log(`\n${detectionTable(rows, done)}\n${done.length} runs in ${((Date.now() - started) / 60_000).toFixed(1)} min; every run: ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(255);
});
