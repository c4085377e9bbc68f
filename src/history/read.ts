import { ExitCode, FaultlineError, InputError, UsageError } from '../util/errors.js';
import { type HistoryFormat, HISTORY_FORMATS, detectFormat, sniffFile } from './detect.js';
import { readEdn } from './edn.js';
import { readJepsenLog } from './jepsen-log.js';
import { readJsonl } from './jsonl.js';
import type { Op } from './types.js';

export interface ReadOptions {
  /** overrides detection */
  format?: HistoryFormat;
}

/** Reads a history in any supported format (detected from the content unless given). */
export interface ReadResult {
  ops: Op[];
  /** lines[i] is the line of the file where ops[i] starts (for error messages) */
  lines: number[];
  format: HistoryFormat;
}

const SNIFF_BYTES = 64 * 1024;
const SNIFF_MORE = 4 << 20;

/** An empty file has no content to detect from: go by its name. */
function formatByName(file: string): HistoryFormat {
  return file.endsWith('.edn') ? 'edn' : file.endsWith('.log') ? 'jepsen-log' : 'jsonl';
}

export async function readHistory(file: string, opts: ReadOptions = {}): Promise<ReadResult> {
  let format = opts.format;
  if (format !== undefined && !HISTORY_FORMATS.includes(format)) {
    throw new UsageError(`unknown history format ${JSON.stringify(format)}; expected one of ${HISTORY_FORMATS.join(', ')}`);
  }
  let head: string;
  try {
    head = await sniffFile(file, SNIFF_BYTES);
  } catch (err) {
    // no line to name: the file itself is unreadable (still bad input: exit 254)
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new FaultlineError('E_INPUT', `${file}: cannot read the history (${why})`, ExitCode.badInput, { cause: err });
  }
  if (format === undefined) {
    if (head.trim() === '') return { ops: [], lines: [], format: formatByName(file) };
    let detected = detectFormat(head);
    // a Jepsen log may open with more than the sniffed amount of other output
    if (detected === null && Buffer.byteLength(head) >= SNIFF_BYTES - 4) detected = detectFormat(await sniffFile(file, SNIFF_MORE));
    if (detected === null) {
      throw new InputError(file, 1, 'expected a history: JSON lines, Jepsen EDN op maps or Jepsen log lines (use --format to say which)');
    }
    format = detected;
  }
  const read = format === 'jsonl' ? readJsonl : format === 'edn' ? readEdn : readJepsenLog;
  return { ...(await read(file)), format };
}
