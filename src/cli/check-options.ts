import { HISTORY_FORMATS, type HistoryFormat } from '../history/detect.js';
import { UsageError } from '../util/errors.js';

/** `faultline check` arguments as yargs hands them over. */
export interface CheckArgs {
  history: string;
  model?: string;
  initial?: string;
  format?: string;
  nilRead?: string;
  timeout?: number;
  memory?: number;
  partition?: boolean;
  json?: boolean;
  html?: string;
}

/** Resolved once: defaults → validate → normalize. */
export interface CheckOptions {
  file: string;
  model: string;
  /** the model's starting value (parsed from --initial JSON); default null */
  initial: unknown;
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

export const DEFAULT_MODEL = 'cas-register';

export function resolveCheckOptions(args: CheckArgs): CheckOptions {
  const opts: CheckOptions = {
    file: args.history,
    model: args.model ?? DEFAULT_MODEL,
    initial: null,
    partition: args.partition ?? true,
    json: args.json ?? false,
  };
  if (args.initial !== undefined) {
    try {
      opts.initial = JSON.parse(args.initial);
    } catch {
      throw new UsageError(`expected --initial to be a JSON value (e.g. 0, null, "x", [1,2]); got ${args.initial}`);
    }
  }
  if (args.format !== undefined) {
    if (!(HISTORY_FORMATS as readonly string[]).includes(args.format)) {
      throw new UsageError(`expected --format to be one of ${HISTORY_FORMATS.join(', ')}; got ${args.format}`);
    }
    opts.format = args.format as HistoryFormat;
  }
  if (args.nilRead !== undefined) {
    if (args.nilRead !== 'value' && args.nilRead !== 'unknown') {
      throw new UsageError(`expected --nil-read to be value or unknown; got ${args.nilRead}`);
    }
    opts.nilRead = args.nilRead;
  }
  if (args.timeout !== undefined) opts.timeoutMs = positive('--timeout', args.timeout) * 1000;
  if (args.memory !== undefined) opts.memoryBytes = Math.floor(positive('--memory', args.memory) * 1024 * 1024);
  if (args.html !== undefined) {
    if (args.html === '') throw new UsageError('expected --html to name an output file');
    opts.html = args.html;
  }
  return opts;
}

/** Knossos (and so Jepsen's verdicts on history.edn) reads nil as "unknown"; Porcupine as a value. */
export function defaultNilRead(format: HistoryFormat): 'value' | 'unknown' {
  return format === 'edn' ? 'unknown' : 'value';
}

function positive(flag: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new UsageError(`expected ${flag} to be a positive number; got ${String(v)}`);
  return v;
}
