import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Op } from '../history/types.js';
import { faultWindows } from './faults.js';
import { renderLatencySvg, renderPerfHtml, renderRateSvg } from './perf.js';
import { renderTimelineHtml } from './timeline.js';

/**
 * Writes a run's pictures into its results directory (contracts.md §4): `timeline.html`,
 * `latency.svg`, `rate.svg` and `perf.html` (both plots and the latency table). Returns the paths.
 */
export async function writeRunPictures(dir: string, ops: readonly Op[], title: string): Promise<string[]> {
  const faults = faultWindows(ops);
  const files: [string, string][] = [
    ['timeline.html', renderTimelineHtml(ops, { title })],
    ['latency.svg', renderLatencySvg(ops, faults)],
    ['rate.svg', renderRateSvg(ops, faults)],
    ['perf.html', renderPerfHtml(ops, { title })],
  ];
  const out = files.map(([name]) => path.join(dir, name));
  await Promise.all(files.map(([name, text]) => writeFile(path.join(dir, name), text)));
  return out;
}
