import { InputError } from '../util/errors.js';
import { parseEdn } from './edn-parse.js';
import { type HistorySource, historySource, readText } from './source.js';
import type { Op, OpType } from './types.js';

/**
 * Jepsen's log lines: `INFO  jepsen.util - <process>\t:<type>\t:<f>\t<value>` (any
 * prefix before `jepsen.util`, e.g. a timestamp and thread name)
 * (tabs or spaces), as in Porcupine's etcd fixtures. Other log lines are skipped
 * and counted, but a file where they are the majority is refused (it is most likely
 * not a Jepsen log: a JSONL history read with --format jepsen-log would otherwise
 * pass with nothing checked), and a line that looks like an op line
 * (`jepsen.util - <process> :...`) and does not parse is an InputError. Time = line
 * order. An op line without a value has none (an ok read without one is refused by
 * the model); `nil` is nil.
 * A `:timed-out` value carries no result (value null, `error: "timed-out"`): an
 * `:ok` or `:info` completion becomes `info` (unknown outcome). A `:fail` stays
 * `fail`: Jepsen's etcd client used `:fail :read :timed-out` for reads, which have no
 * effect either way, and its process goes on invoking (so it is not retired).
 */
const OP_LINE = /(?:^|\s)jepsen\.util\s+-\s+(\S+)\s+:(\S+)\s+:(\S+)(?:\s+(.*))?$/;
const EXPECTED = '"<level> jepsen.util - <process> :<type> :<f> <value>"';
const LOOKS_LIKE_OP = /jepsen\.util\s+-\s+:?[\w-]+\s+:/;
const TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

export interface JepsenLog {
  ops: Op[];
  lines: number[];
  /** non-blank lines that are not op lines (other log output) */
  skipped: number;
}

export function parseJepsenLog(text: string, file: string): JepsenLog {
  const ops: Op[] = [];
  const lines: number[] = [];
  const rows = text.split('\n');
  let skipped = 0;
  let firstSkipped = 0;
  for (let i = 0; i < rows.length; i++) {
    const lineText = rows[i].trimEnd();
    if (!lineText.includes('jepsen.util') || !LOOKS_LIKE_OP.test(lineText)) {
      if (lineText.trim() !== '' && skipped++ === 0) firstSkipped = i + 1;
      continue;
    }
    const line = i + 1;
    const m = OP_LINE.exec(lineText);
    if (!m) throw new InputError(file, line, `expected ${EXPECTED}`);
    const [, procText, typeText, f, valueText = ''] = m;
    if (!TYPES.has(typeText)) {
      throw new InputError(file, line, `expected type :invoke, :ok, :fail or :info; got :${typeText}`);
    }
    const process = /^-?\d{1,15}$/.test(procText) ? Number(procText) : procText.replace(/^:/, '');
    const value = parseValue(valueText.trim(), file, line);
    const op: Op = { index: ops.length, time: ops.length, type: typeText as OpType, process, f, value };
    if (value === TIMED_OUT) {
      op.value = null;
      op.error = 'timed-out';
      if (op.type === 'ok') op.type = 'info';
    }
    ops.push(op);
    lines.push(line);
  }
  if (skipped > ops.length) {
    throw new InputError(
      file,
      firstSkipped,
      `expected Jepsen log op lines (${EXPECTED}), but most lines (${skipped} of ${skipped + ops.length}) are something else, this one first; ` +
        "keep the op lines (grep 'jepsen.util - ') or name the format with --format",
    );
  }
  return { ops, lines, skipped };
}

const TIMED_OUT = Symbol('timed-out');

/** The value is EDN (nil, 3, [1 2], {:n1 [:n2]}, :keyword, "string"). */
function parseValue(s: string, file: string, line: number): unknown {
  if (s === '') return undefined;
  if (s === 'nil') return null;
  if (s === ':timed-out') return TIMED_OUT;
  try {
    return parseEdn(s);
  } catch (err) {
    throw new InputError(file, line, `expected a value (nil, a number, [a b], :keyword, "string" or another EDN form); got ${JSON.stringify(s)}`, {
      cause: err,
    });
  }
}

export async function readJepsenLog(file: string | HistorySource): Promise<JepsenLog> {
  const source = typeof file === 'string' ? historySource(file) : file;
  return parseJepsenLog(await readText(source), source.name);
}
