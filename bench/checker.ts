/**
 * `npm run bench`: the linearizability checker against Porcupine v1.3.0's figures
 * measured on this machine (design.md §3). Check time excludes parsing, as
 * Porcupine's were measured with CheckEvents; the 1M-op figure includes it.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLinearizability } from '../checkers/linearizability/check.js';
import { getModel } from '../checkers/linearizability/models/index.js';
import { pairHistory } from '../src/history/pair.js';
import { readHistory } from '../src/history/read.js';
import type { Operation } from '../src/history/types.js';
import { RUN_FILES } from '../src/store/layout.js';
import { generateConcurrentRegister, generateHistory, generateSetHistory } from './gen-history.js';
import { measureStartup } from './startup.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
const fixtures = path.resolve(process.env.FAULTLINE_FIXTURES ?? path.join(repo, '../shared/fixtures/porcupine'));

async function load(file: string): Promise<Operation[]> {
  const { ops, lines } = await readHistory(file);
  return pairHistory(ops, file, lines).operations;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: [string, string, string, string][] = [];
function row(what: string, ours: number, theirs: string, unit = 'ms', note = ''): void {
  // a ratio only where Porcupine's figure is one time in ms
  const single = /^[\d.]+ ms$/.test(theirs) ? Number.parseFloat(theirs) / ours : Number.NaN;
  const ratio = Number.isNaN(single) ? '' : single >= 1 ? `${single.toFixed(1)}× faster` : `${(1 / single).toFixed(1)}× slower`;
  rows.push([what, `${ours.toFixed(ours < 10 ? 2 : 0)} ${unit}`, theirs, [ratio, note].filter(Boolean).join('; ')]);
  console.error(`  ${what}: ${ours.toFixed(1)} ${unit}`);
}

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const runs = quick ? 3 : 7;
  const cas = getModel('cas-register', { nilRead: 'value' });
  const kv = getModel('kv');

  // etcd: 102 logs
  const logs = readdirSync(path.join(fixtures, 'jepsen')).filter((f) => f.endsWith('.log') && f !== 'etcd_095.log');
  const etcd = await Promise.all(logs.map((f) => load(path.join(fixtures, 'jepsen', f))));
  for (const ops of etcd) checkLinearizability(ops, cas, { explain: false }); // warm-up
  const totals: number[] = [];
  const per = new Map<string, number[]>();
  for (let r = 0; r < runs; r++) {
    let total = 0;
    etcd.forEach((ops, i) => {
      const ms = time(() => checkLinearizability(ops, cas, { explain: false }));
      total += ms;
      per.set(logs[i], [...(per.get(logs[i]) ?? []), ms]);
    });
    totals.push(total);
  }
  row('etcd: 102 logs, total', median(totals), '594 ms');
  const slowest = [...per].map(([f, xs]) => [f, median(xs)] as const).sort((a, b) => b[1] - a[1]);
  const porcupineEtcd: Record<string, string> = { 'etcd_002.log': '221 ms', 'etcd_007.log': '165 ms', 'etcd_057.log': '72 ms', 'etcd_099.log': '73 ms' };
  for (const [f, ms] of slowest.slice(0, 4)) row(`etcd: ${f}`, ms, porcupineEtcd[f] ?? '—');
  row('etcd: logs under 1 ms', slowest.filter(([, ms]) => ms < 1).length, '91', 'files');

  // kv
  const c50ok = await load(path.join(fixtures, 'kv', 'c50-ok.txt'));
  const c50bad = await load(path.join(fixtures, 'kv', 'c50-bad.txt'));
  checkLinearizability(c50ok, kv, { explain: false });
  row('kv/c50-ok (partitioned)', median(Array.from({ length: runs }, () => time(() => checkLinearizability(c50ok, kv, { explain: false })))), '186 ms');
  const bad = Array.from({ length: runs * 2 }, () => {
    let valid: unknown;
    const ms = time(() => {
      valid = checkLinearizability(c50bad, kv, { explain: false }).valid;
    });
    if (valid !== false) throw new Error('c50-bad was not found illegal');
    return ms;
  });
  row('kv/c50-bad found illegal (worst of runs)', Math.max(...bad), '7–87 ms', 'ms', `median ${median(bad).toFixed(1)} ms; target < 100 ms`);
  row('kv/c50-bad with explanation', median(Array.from({ length: 3 }, () => time(() => checkLinearizability(c50bad, kv)))), '—');
  for (const name of ['c10-ok', 'c10-bad']) {
    const ops = await load(path.join(fixtures, 'kv', `${name}.txt`));
    const ms = median(Array.from({ length: quick ? 1 : 3 }, () => time(() => checkLinearizability(ops, kv, { partition: false, explain: false }))));
    row(`kv/${name} unpartitioned (one map state)`, ms, name === 'c10-ok' ? '2100 ms' : '2400 ms');
  }

  // a register test with 64 clients: ~20 ops overlapping per key, half reads (like a
  // real Docker run's history); without the greedy read pass it ends unknown (memory)
  const c64 = generateConcurrentRegister({ clients: 64, keys: 144, keysAtOnce: 3, readRate: 0.5, casRate: 0.2, infoRate: 0.01, seed: 7 });
  const c64bad = generateConcurrentRegister({ clients: 64, keys: 144, keysAtOnce: 3, readRate: 0.5, casRate: 0.2, infoRate: 0.01, staleReads: 1, seed: 7 });
  const c64label = `register c64 (${c64.length} ops, 144 keys, 64 clients, 1% info)`;
  checkLinearizability(c64, cas, { explain: false });
  const c64runs = Array.from({ length: runs }, () => {
    let valid: unknown;
    const ms = time(() => {
      valid = checkLinearizability(c64, cas, { explain: false }).valid;
    });
    if (valid !== true) throw new Error(`c64 judged ${String(valid)}`);
    return ms;
  });
  row(`${c64label}: valid`, median(c64runs), '—');
  const c64badRuns = Array.from({ length: runs }, () => {
    let valid: unknown;
    const ms = time(() => {
      valid = checkLinearizability(c64bad, cas, { explain: false }).valid;
    });
    if (valid !== false) throw new Error(`c64 with a stale read judged ${String(valid)}`);
    return ms;
  });
  row(`${c64label}: one stale read found`, median(c64badRuns), '—');
  // the same with 20% reads (60% writes): the reads no longer pin the writes' order
  const c64w = generateConcurrentRegister({ clients: 64, keys: 144, keysAtOnce: 3, readRate: 0.2, casRate: 0.2, infoRate: 0.01, seed: 7 });
  const c64wRuns = Array.from({ length: quick ? 1 : 3 }, () => {
    let valid: unknown;
    const ms = time(() => {
      valid = checkLinearizability(c64w, cas, { explain: false }).valid;
    });
    if (valid !== true) throw new Error(`c64 with 20% reads judged ${String(valid)}`);
    return ms;
  });
  row(`register c64, 20% reads (${c64w.length} ops): valid`, median(c64wRuns), '—');
  if (!quick) {
    let off: ReturnType<typeof checkLinearizability> | undefined;
    const ms = time(() => {
      off = checkLinearizability(c64, cas, { explain: false, greedy: false, reduce: false, timeoutMs: 20_000 });
    });
    const verdict = off!.valid === 'unknown' ? `unknown (${off!.unknownReason})` : String(off!.valid);
    row(`${c64label}: without the greedy read pass and reduce`, ms, '—', 'ms', `${verdict}; 20 s / 1 GiB budget`);
  }

  // 1,000,000 ops, 1,000 keys, 10 clients, 1% info: parse included
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-bench-'));
  try {
    const file = path.join(dir, RUN_FILES.history);
    const total = quick ? 200_000 : 1_000_000;
    const { bytes } = generateHistory(file, { ops: total, keys: 1000, clients: 10, infoRate: 0.01, seed: 42 });
    const t0 = performance.now();
    const { ops, lines } = await readHistory(file);
    const t1 = performance.now();
    const { operations } = pairHistory(ops, file, lines);
    const t2 = performance.now();
    const result = checkLinearizability(operations, cas, { explain: false });
    const t3 = performance.now();
    if (result.valid !== true) throw new Error(`generated history judged ${result.valid}`);
    const label = `${total / 1e6}M ops / 1000 keys / 10 clients / 1% info`;
    row(`${label}: parse+pair+check`, t3 - t0, '—', 'ms', 'target < 10 s');
    row(`${label}: parse rate`, bytes / 1e6 / ((t1 - t0) / 1000), '—', 'MB/s', `${(bytes / 1e6).toFixed(0)} MB file`);
    row(`${label}: pair / check`, t2 - t1, '—', 'ms', `check ${(t3 - t2).toFixed(0)} ms`);
    row(`${label}: peak RSS`, process.resourceUsage().maxRSS / 1024, '—', 'MB', 'target < 2048 MB');
    // start-up of `faultline check` on a 10-op file against bare node, interleaved
    const s = measureStartup(repo, dir);
    row('check start-up, 10-op file (median of 10)', s.checkMs, '—', 'ms', `bare node -e 0 ${s.nodeMs.toFixed(0)} ms: ${s.ratio.toFixed(2)}×; goal ≤ 1.5×`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // a set history shaped like `run --workload set` under faults (issue 8: main's
  // checker was still running after 90 s at 1 GB with --memory 256); after the 1M
  // rows, so the heap this search leaves does not raise their peak RSS
  const setOps = generateSetHistory({ ops: 2300, clients: 10, readRate: 0.1, infoRate: 0.02, failRate: 0.3, seed: 1 });
  const setModel = getModel('set');
  const setRuns = Array.from({ length: quick ? 1 : 3 }, () => {
    let valid: unknown;
    const ms = time(() => {
      valid = checkLinearizability(setOps, setModel, { explain: false, memoryBytes: 256 << 20 }).valid;
    });
    if (valid !== true) throw new Error(`the set history judged ${String(valid)}`);
    return ms;
  });
  row('set, 2,300 ops record-like (10 clients, 2% info, 30% fail adds): valid', median(setRuns), '—');
  if (!quick) {
    let plain: ReturnType<typeof checkLinearizability> | undefined;
    const ms = time(() => {
      plain = checkLinearizability(setOps, { ...setModel, mustFollow: undefined, reduce: undefined }, { explain: false, memoryBytes: 256 << 20 });
    });
    const mb = ((plain!.memoryBytes ?? 0) / 1048576).toFixed(0);
    row(
      'the same without the set model’s constraints and reduce, --memory 256',
      ms,
      '—',
      'ms',
      `${plain!.valid} (${plain!.unknownReason}, ${mb} MB counted): the budget holds`,
    );
  }

  console.log('\n| benchmark | faultline | Porcupine v1.3.0 | ratio / note |');
  console.log('|---|---:|---:|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

main().catch((err) => {
  console.error(err);
  process.exit(255);
});
