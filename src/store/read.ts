import { closeSync, type Dirent, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { splitNemesisF } from '../report/faults.js';
import { InputError, UsageError } from '../util/errors.js';
import { CAMPAIGN_FILES, NODE_FILES, RUN_FILES } from './layout.js';

/** What one directory of the store holds, read without judging it (serve's records and pages are built from this). */
export interface RunDirContents {
  test: string;
  stamp: string;
  /** absolute path */
  dir: string;
  /** names directly in the directory (directories with a trailing /) */
  entries: string[];
  /** node names under nodes/ that hold a node.log */
  nodeLogs: string[];
  /** parsed test.json / results.json / campaign.json / status.json; undefined when absent or unreadable */
  testJson?: unknown;
  resultsJson?: unknown;
  campaignJson?: unknown;
  statusJson?: unknown;
}

/**
 * Every run and campaign directory of a store (`<store>/<test>/<stamp>/`), read. The
 * `latest` links (and any other symlink) are skipped so a run is listed once; a
 * directory counts when it holds test.json or campaign.json (which leaves out e.g. the
 * data directories of `faultline cluster up`). Unreadable JSON is treated as absent:
 * whatever state a crashed run left must still be listed.
 */
export function listStore(store: string): RunDirContents[] {
  const out: RunDirContents[] = [];
  for (const test of dirs(store)) {
    for (const stamp of dirs(path.join(store, test))) {
      const c = readRunDir(store, test, stamp);
      if (c) out.push(c);
    }
  }
  return out;
}

/** One directory of the store, or null when it is not a run or campaign. */
export function readRunDir(store: string, test: string, stamp: string): RunDirContents | null {
  const dir = path.join(store, test, stamp);
  const entries = list(dir).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
  if (!entries.includes(RUN_FILES.test) && !entries.includes(CAMPAIGN_FILES.campaign)) return null;
  const nodes = path.join(dir, RUN_FILES.nodes);
  return {
    test,
    stamp,
    dir,
    entries,
    nodeLogs: entries.includes(`${RUN_FILES.nodes}/`) ? dirs(nodes).filter((n) => list(path.join(nodes, n)).some((e) => e.name === NODE_FILES.log)) : [],
    testJson: readJsonIn(dir, RUN_FILES.test, entries),
    resultsJson: readJsonIn(dir, RUN_FILES.results, entries),
    campaignJson: readJsonIn(dir, CAMPAIGN_FILES.campaign, entries),
    statusJson: readJsonIn(dir, RUN_FILES.status, entries),
  };
}

/** The live status of a run directory (null: none, or unreadable). */
export function readStatus(dir: string): unknown {
  return readJson(path.join(dir, RUN_FILES.status));
}

/** Its modification time in ms, or null: the live page sends the status again when it changes. */
export function statusMtime(dir: string): number | null {
  return statSync(path.join(dir, RUN_FILES.status), { throwIfNoEntry: false })?.mtimeMs ?? null;
}

/** The tail of a text file (a node's log on the run page), at most `bytes`. */
export function readTail(file: string, bytes: number): { text: string; truncated: boolean } | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = statSync(file).size;
    const n = Math.min(size, bytes);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, size - n);
    let text = buf.toString('utf8');
    if (n < size) text = text.slice(text.indexOf('\n') + 1); // start at a whole line
    return { text, truncated: n < size };
  } finally {
    closeSync(fd);
  }
}

const appliedCache = new Map<string, { key: string; applied: Record<string, number> }>();

/**
 * The faults a run's history says were applied, per family: for runs whose
 * results.json predates `run.applied` (or that have none yet). Scans history.jsonl
 * for nemesis lines only; cached by the file's size and time.
 */
export function appliedFromHistory(dir: string): Record<string, number> | null {
  const file = path.join(dir, RUN_FILES.history);
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return null;
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = appliedCache.get(file);
  if (hit?.key === key) return hit.applied;
  const applied: Record<string, number> = {};
  forEachLine(file, '"nemesis"', (line) => {
    try {
      const op = JSON.parse(line) as { process?: unknown; type?: unknown; f?: unknown };
      if (op.process !== 'nemesis' || op.type === 'invoke' || typeof op.f !== 'string') return;
      const p = splitNemesisF(op.f);
      if (p?.phase === 'start') applied[p.family] = (applied[p.family] ?? 0) + 1;
    } catch {
      // a torn last line of a running or crashed run
    }
  });
  appliedCache.set(file, { key, applied });
  return applied;
}

/** Calls `fn` for each line holding `needle`, reading the file in 1 MiB chunks. */
function forEachLine(file: string, needle: string, fn: (line: string) => void): void {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    const pattern = Buffer.from(needle);
    let rest = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      const chunk = rest.length ? Buffer.concat([rest, buf.subarray(0, n)]) : buf.subarray(0, n);
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl === -1) break;
        if (chunk.subarray(start, nl).includes(pattern)) fn(chunk.toString('utf8', start, nl));
        start = nl + 1;
      }
      rest = Buffer.from(chunk.subarray(start));
      if (n === 0) {
        if (rest.length && rest.includes(pattern)) fn(rest.toString('utf8'));
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
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

function readJsonIn(dir: string, name: string, entries: string[]): unknown {
  return entries.includes(name) ? readJson(path.join(dir, name)) : undefined;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A campaign directory's campaign.json, for compare: a directory that is not a
 * campaign's, or a file that is not JSON or not a campaign report, is bad input (254)
 * and the message names it.
 */
export function readCampaignDir(dir: string): { file: string; report: Record<string, unknown> } {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new UsageError(`${dir}: no such directory`);
  const file = path.join(dir, CAMPAIGN_FILES.campaign);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    const isRun = statSync(path.join(dir, RUN_FILES.test), { throwIfNoEntry: false });
    throw new UsageError(`${dir}: ${isRun ? "a run's directory, not a campaign's" : `not a campaign directory (no ${CAMPAIGN_FILES.campaign})`}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // V8 names a position or a line for most errors, not for every one (an unexpected token)
    const msg = (err as Error).message;
    const m = /line (\d+) column|position (\d+)/.exec(msg);
    const line = m?.[1] ? Number(m[1]) : m?.[2] ? text.slice(0, Number(m[2])).split('\n').length : text.trim() === '' ? 1 : 0;
    if (line > 0) throw new InputError(file, line, `not valid JSON (${msg})`, { cause: err });
    throw new UsageError(`${file}: not valid JSON (${msg})`, { cause: err });
  }
  if (doc === null || typeof doc !== 'object' || !Array.isArray((doc as Record<string, unknown>).runs))
    throw new InputError(file, 1, 'expected a campaign report: an object with "runs"');
  return { file, report: doc as Record<string, unknown> };
}
