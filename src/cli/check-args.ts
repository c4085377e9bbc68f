import { MODEL_NAMES } from '../../checkers/linearizability/models/names.js';
import { HISTORY_FORMATS } from '../history/detect.js';

/**
 * `faultline check`'s options, declared once: the yargs builder (commands/check.ts)
 * is made from them, and so is the fast path (parseCheckArgv), which parses a
 * plain command line without loading yargs (yargs alone doubles node's start-up).
 * Numbers are read as strings so a bad one is reported as the user wrote it.
 */
export interface CheckOptionSpec {
  type: 'string' | 'boolean';
  describe: string;
  default?: string | boolean;
  choices?: readonly string[];
}

export const DEFAULT_MODEL = 'cas-register';

export const CHECK_OPTIONS: Record<string, CheckOptionSpec> = {
  model: { type: 'string', default: DEFAULT_MODEL, describe: `model: ${MODEL_NAMES.join(', ')}` },
  initial: { type: 'string', describe: 'the starting value as JSON: register and cas-register (default null), kv (a string for every key; default "")' },
  format: { type: 'string', choices: HISTORY_FORMATS, describe: 'history format (default: detected from the content)' },
  'nil-read': {
    type: 'string',
    choices: ['value', 'unknown'],
    describe: 'a read of nil: the register is empty (value) or the result is unknown (unknown); default unknown for EDN, value otherwise',
  },
  timeout: { type: 'string', describe: 'seconds before giving up with verdict unknown (exit 2)' },
  memory: { type: 'string', describe: 'MB the search may hold before giving up with verdict unknown (default 1024)' },
  partition: { type: 'boolean', default: true, describe: 'check partitions (e.g. keys) apart; --no-partition checks the history whole' },
  json: { type: 'boolean', default: false, describe: 'print one JSON object instead of the summary' },
  html: { type: 'string', describe: 'write a self-contained HTML page explaining the result' },
};

/** `faultline check` arguments as yargs (or the fast path) hands them over. */
export interface CheckArgs {
  history: string;
  model?: string;
  initial?: string;
  format?: string;
  nilRead?: string;
  timeout?: string | number;
  memory?: string | number;
  partition?: boolean;
  json?: boolean;
  html?: string;
}

/** as yargs does to `--opt=value`: one pair of matching quotes around the value goes */
function stripQuotes(v: string): string {
  return (v[0] === "'" || v[0] === '"') && v[v.length - 1] === v[0] ? v.substring(1, v.length - 1) : v;
}

const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The arguments after `check`, parsed without yargs, or null when the command line
 * is anything but plain (help, an unknown option, a missing value, two histories...):
 * then yargs parses it, with its own messages. Plain is: one history (a path or
 * `-`), `--opt value` or `--opt=value` for the string options, `--flag`/`--no-flag`
 * for the booleans; a repeated option takes its last value (as yargs is set up to).
 */
export function parseCheckArgv(argv: readonly string[]): CheckArgs | null {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(CHECK_OPTIONS)) if (spec.default !== undefined) out[camel(name)] = spec.default;
  let history: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-' || !arg.startsWith('-')) {
      if (history !== undefined) return null;
      history = arg;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') return null;
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const negated = name.startsWith('no-') ? name.slice(3) : null;
    const spec = Object.hasOwn(CHECK_OPTIONS, name) ? CHECK_OPTIONS[name] : null;
    if (spec === null) {
      const flag = negated !== null && Object.hasOwn(CHECK_OPTIONS, negated) ? CHECK_OPTIONS[negated] : null;
      if (flag?.type !== 'boolean' || eq !== -1) return null;
      out[camel(negated!)] = false;
      continue;
    }
    if (spec.type === 'boolean') {
      if (eq !== -1) return null;
      out[camel(name)] = true;
      continue;
    }
    let value: string;
    if (eq !== -1) value = stripQuotes(arg.slice(eq + 1));
    else {
      const next = argv[i + 1];
      // `--initial -5` is a value (a negative number, as for yargs); `--model --json` is not
      if (next === undefined || (next.startsWith('-') && !/^-\d/.test(next))) return null;
      value = next;
      i++;
    }
    if (spec.choices && !spec.choices.includes(value)) return null; // yargs says what the choices are
    out[camel(name)] = value;
  }
  if (history === undefined) return null;
  out.history = history;
  return out as unknown as CheckArgs;
}

/**
 * yargs reads a positional `-` as an empty string (it re-parses positionals as
 * `--history -`, and `-` looks like an option there). Before yargs sees a check
 * command line, a `-` standing for the history is swapped for this token, and
 * resolveCheckOptions swaps it back.
 */
export const STDIN_TOKEN = '\u0000stdin';

export function protectStdin(argv: readonly string[]): string[] {
  const out = [...argv];
  for (let i = 1; i < out.length; i++) {
    if (out[i] !== '-') continue;
    const prev = out[i - 1];
    const name = prev.startsWith('--') && !prev.includes('=') ? prev.slice(2) : null;
    const takesValue = name !== null && Object.hasOwn(CHECK_OPTIONS, name) && CHECK_OPTIONS[name].type === 'string';
    if (!takesValue) out[i] = STDIN_TOKEN;
  }
  return out;
}
