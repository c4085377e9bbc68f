import { describe } from '../history/describe.js';
import { HISTORY_FORMATS, type HistoryFormat } from '../history/detect.js';
import { UsageError } from '../util/errors.js';
import { type CheckArgs, DEFAULT_MODEL, STDIN_TOKEN } from './check-args.js';

export { type CheckArgs, DEFAULT_MODEL };

/** Resolved once: defaults → validate → normalize. */
export interface CheckOptions {
  /** a path, or `-` for standard input */
  file: string;
  model: string;
  /** the model's starting value (parsed from --initial JSON); undefined: the model's own */
  initial?: unknown;
  /** undefined = detect from the content */
  format?: HistoryFormat;
  /** undefined = by format: 'unknown' for EDN (Knossos), 'value' otherwise (Porcupine) */
  nilRead?: 'value' | 'unknown';
  timeoutMs?: number;
  memoryBytes?: number;
  partition: boolean;
  json: boolean;
  html?: string;
}

export function resolveCheckOptions(args: CheckArgs): CheckOptions {
  const given = text('the history', args.history);
  const file = given === STDIN_TOKEN ? '-' : given;
  if (file === '') throw new UsageError('expected a history file (or - for standard input); got an empty name');
  const opts: CheckOptions = {
    file,
    model: args.model === undefined ? DEFAULT_MODEL : text('--model', args.model),
    partition: args.partition ?? true,
    json: args.json ?? false,
  };
  if (args.initial !== undefined) {
    const initial = text('--initial', args.initial);
    try {
      opts.initial = JSON.parse(initial);
    } catch {
      throw new UsageError(`expected --initial to be a JSON value (e.g. 0, null, "x", [1,2]); got ${initial}`);
    }
  }
  if (args.format !== undefined) {
    const format = text('--format', args.format);
    if (!(HISTORY_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`expected --format to be one of ${HISTORY_FORMATS.join(', ')}; got ${format}`);
    }
    opts.format = format as HistoryFormat;
  }
  if (args.nilRead !== undefined) {
    if (args.nilRead !== 'value' && args.nilRead !== 'unknown') {
      throw new UsageError(`expected --nil-read to be value or unknown; got ${shown(args.nilRead)}`);
    }
    opts.nilRead = args.nilRead;
  }
  if (args.timeout !== undefined) opts.timeoutMs = positive('--timeout', args.timeout) * 1000;
  if (args.memory !== undefined) opts.memoryBytes = Math.floor(positive('--memory', args.memory) * 1024 * 1024);
  if (args.html !== undefined) {
    const html = text('--html', args.html);
    if (html === '') throw new UsageError('expected --html to name an output file');
    opts.html = html;
  }
  return opts;
}

/** Knossos (and so Jepsen's verdicts on history.edn) reads nil as "unknown"; Porcupine as a value. */
export function defaultNilRead(format: HistoryFormat): 'value' | 'unknown' {
  return format === 'edn' ? 'unknown' : 'value';
}

/** what the user wrote, as text: never `NaN` or `[object Object]` */
function shown(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : describe(v);
}

function text(flag: string, v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new UsageError(`expected ${flag} to be given once, as text; got ${shown(v)}`);
}

/** a positive number from what was written ("2.5") or a number already */
function positive(flag: string, v: string | number): number {
  const n = typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`expected ${flag} to be a positive number; got ${typeof v === 'number' ? String(v) : shown(v)}`);
  return n;
}
