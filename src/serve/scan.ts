import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { newestFirst, type RunDirContents, type RunRecord, toRunRecord } from './records.js';

/**
 * Scans a results store (`<store>/<test>/<stamp>/`) into run records, newest first.
 * `latest` links (and any other symlink) are skipped so a run is listed once; a
 * directory counts as a run when it holds test.json or campaign.json (which leaves
 * out e.g. the data directories of `faultline cluster up`). Unreadable JSON is
 * treated as absent: the index must render whatever state a crashed run left.
 */
export function scanStore(store: string): RunRecord[] {
  const records: RunRecord[] = [];
  for (const test of dirs(store)) {
    for (const stamp of dirs(path.join(store, test))) {
      const dir = path.join(store, test, stamp);
      const entries = list(dir).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
      if (!entries.includes('test.json') && !entries.includes('campaign.json')) continue;
      const contents: RunDirContents = {
        test,
        stamp,
        entries,
        nodeLogs: entries.includes('nodes/') ? dirs(path.join(dir, 'nodes')).filter((n) => list(path.join(dir, 'nodes', n)).some((e) => e.name === 'node.log')) : [],
        testJson: readJson(dir, 'test.json', entries),
        resultsJson: readJson(dir, 'results.json', entries),
        campaignJson: readJson(dir, 'campaign.json', entries),
      };
      records.push(toRunRecord(contents));
    }
  }
  return records.sort(newestFirst);
}

function list(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Real directories only (no symlinks such as `latest`, no hidden ones), sorted. */
function dirs(dir: string): string[] {
  return list(dir)
    .filter((e) => e.isDirectory() && !e.isSymbolicLink() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

function readJson(dir: string, name: string, entries: string[]): unknown {
  if (!entries.includes(name)) return undefined;
  try {
    return JSON.parse(readFileSync(path.join(dir, name), 'utf8'));
  } catch {
    return undefined;
  }
}
