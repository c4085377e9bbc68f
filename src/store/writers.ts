import { readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LinearizabilityResult } from '../../checkers/linearizability/types.js';
import type { CheckerResult, Valid } from '../../checkers/types.js';
import type { Op } from '../history/types.js';
import { describeAnomalies } from '../report/anomalies.js';
import { faultWindows, splitNemesisF } from '../report/faults.js';
import { renderLatencySvg, renderPerfHtml, renderRateSvg } from '../report/perf.js';
import { renderTimelineHtml } from '../report/timeline.js';
import { renderViolationHtml } from '../report/violation-html.js';
import { CAMPAIGN_FILES, nodePaths, runPaths } from './layout.js';

/** Pretty JSON with a final newline. */
export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Written beside and renamed over: a reader (serve's live page) never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, file);
}

export const writeTestJson = (dir: string, test: unknown): void => writeJson(runPaths(dir).test, test);

/** The live status (rewritten every second during a run). */
export const writeStatus = (dir: string, status: unknown): void => writeJsonAtomic(runPaths(dir).status, status);

export const writeCampaignJson = (dir: string, report: unknown): void => writeJson(path.join(dir, CAMPAIGN_FILES.campaign), report);

/** A run that ended before it could be checked. */
export const writeAbortedResults = (dir: string, message: string): void => writeJson(runPaths(dir).results, { valid: 'unknown', error: message });

/** Start events per fault family: the faults the history says were applied (a fault that could not be applied is not recorded). */
export function appliedFaults(ops: readonly Op[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const op of ops) {
    if (op.process !== 'nemesis' || op.type === 'invoke') continue;
    const p = splitNemesisF(op.f);
    if (p?.phase === 'start') out[p.family] = (out[p.family] ?? 0) + 1;
  }
  return out;
}

/**
 * results.json (every checker's result, the merged verdict, the run's facts and the
 * faults applied), the pictures, and the violation page when linearizability was violated.
 */
export async function writeResults(
  dir: string,
  title: string,
  ops: readonly Op[],
  valid: Valid,
  results: Record<string, CheckerResult>,
  facts: object,
): Promise<void> {
  const p = runPaths(dir);
  writeJson(p.results, { valid, ...results, run: { ...facts, applied: appliedFaults(ops) } });
  await writeRunPictures(dir, ops, title, results);
  const lin = results.linearizable as LinearizabilityResult | undefined;
  if (lin && lin.valid === false)
    writeFileSync(p.linearizability, renderViolationHtml(lin, { file: p.history, model: 'cas-register', faults: faultWindows(ops) }));
}

/**
 * A run's pictures (contracts.md §4): timeline.html (with a jump to each anomaly the
 * checkers found), latency.svg, rate.svg and perf.html. Returns the paths.
 */
export async function writeRunPictures(dir: string, ops: readonly Op[], title: string, results: Record<string, CheckerResult> = {}): Promise<string[]> {
  const p = runPaths(dir);
  const faults = faultWindows(ops);
  const anomalies = describeAnomalies(results)
    .filter((a) => a.indexes.length > 0)
    .map((a) => ({ label: `${a.checker}: ${a.headline}`, indexes: a.indexes }));
  const files: [string, string][] = [
    [p.timeline, renderTimelineHtml(ops, { title, anomalies })],
    [p.latencySvg, renderLatencySvg(ops, faults)],
    [p.rateSvg, renderRateSvg(ops, faults)],
    [p.perf, renderPerfHtml(ops, { title })],
  ];
  await Promise.all(files.map(([file, text]) => writeFile(file, text)));
  return files.map(([file]) => file);
}

/** nodes/<node>/data-listing.txt: what each node's data directory held at the end. */
export function writeDataListings(nodes: string): void {
  for (const node of safeList(nodes)) {
    const np = nodePaths(nodes, node);
    const lines: string[] = [];
    const walk = (d: string, rel: string): void => {
      for (const name of safeList(d)) {
        const st = statSync(path.join(d, name), { throwIfNoEntry: false });
        if (!st) continue;
        if (st.isDirectory()) walk(path.join(d, name), `${rel}${name}/`);
        else lines.push(`${st.size}\t${rel}${name}`);
      }
    };
    walk(np.data, '');
    writeFileSync(np.dataListing, lines.length ? `${lines.join('\n')}\n` : '');
  }
}

function safeList(d: string): string[] {
  try {
    return readdirSync(d).sort();
  } catch {
    return [];
  }
}
