import { InputError, UsageError } from '../util/errors.js';
import { detectFormat, HISTORY_FORMATS, type HistoryFormat } from './detect.js';
import { readJsonl } from './jsonl.js';
import { type HistorySource, historySource, readHead, STDIN } from './source.js';
import type { Op } from './types.js';

export interface ReadOptions {
  /** overrides detection */
  format?: HistoryFormat;
  /** where `-` reads from (default process.stdin) */
  stdin?: NodeJS.ReadableStream;
}

/** Reads a history in any supported format (detected from the content unless given). */
export interface ReadResult {
  ops: Op[];
  /** lines[i] is the line of the file where ops[i] starts (for error messages) */
  lines: number[];
  format: HistoryFormat;
  /** what error messages call the history: the path, or `stdin` */
  name: string;
  /** lines skipped as other output (Jepsen logs only; a majority is refused) */
  skipped: number;
}

const SNIFF_BYTES = 64 * 1024;
const SNIFF_MORE = 4 << 20;

/** An empty file has no content to detect from: go by its name. */
function formatByName(file: string): HistoryFormat {
  const name = file.replace(/\.gz$/, '');
  return name.endsWith('.edn') ? 'edn' : name.endsWith('.log') ? 'jepsen-log' : 'jsonl';
}

/**
 * `file` is a path (plain or gzip, by its magic bytes) or `-` for standard input.
 * Every non-blank line must parse in the format (given or detected); only a Jepsen
 * log skips lines, and it counts them.
 */
export async function readHistory(file: string, opts: ReadOptions = {}): Promise<ReadResult> {
  let format = opts.format;
  if (format !== undefined && !HISTORY_FORMATS.includes(format)) {
    throw new UsageError(`unknown history format ${JSON.stringify(format)}; expected one of ${HISTORY_FORMATS.join(', ')}`);
  }
  const source = historySource(file, opts.stdin);
  const head = (await readHead(source, SNIFF_BYTES)).toString('utf8');
  if (format === undefined) {
    if (head.trim() === '') return { ops: [], lines: [], format: formatByName(file === STDIN ? '' : file), name: source.name, skipped: 0 };
    let detected = detectFormat(head);
    // a Jepsen log may open with more than the sniffed amount of other output
    if (detected === null && Buffer.byteLength(head) >= SNIFF_BYTES - 4) detected = detectFormat((await readHead(source, SNIFF_MORE)).toString('utf8'));
    if (detected === null) {
      throw new InputError(source.name, 1, 'expected a history: JSON lines, Jepsen EDN op maps or Jepsen log lines (use --format to say which)');
    }
    format = detected;
  }
  return { ...(await read(source, format)), format, name: source.name };
}

/** The EDN and Jepsen log readers load only when a history needs them. */
async function read(source: HistorySource, format: HistoryFormat): Promise<{ ops: Op[]; lines: number[]; skipped: number }> {
  if (format === 'jepsen-log') return (await import('./jepsen-log.js')).readJepsenLog(source);
  if (format === 'edn') return { ...(await (await import('./edn.js')).readEdn(source)), skipped: 0 };
  return { ...(await readJsonl(source)), skipped: 0 };
}
