import { readFile } from 'node:fs/promises';
import { InputError } from '../util/errors.js';
import { parseEdn } from './edn-parse.js';
import type { Op, OpType } from './types.js';

/**
 * Jepsen's log lines: `INFO  jepsen.util - <process>\t:<type>\t:<f>\t<value>` (any
 * prefix before `jepsen.util`, e.g. a timestamp and thread name)
 * (tabs or spaces), as in Porcupine's etcd fixtures. Other log lines are skipped,
 * but a line that looks like an op line (`jepsen.util - <process> :...`) and does
 * not parse is an InputError. Time = line order.
 * A `:timed-out` value carries no result (value null, `error: "timed-out"`): an
 * `:ok` or `:info` completion becomes `info` (unknown outcome). A `:fail` stays
 * `fail`: Jepsen's etcd client used `:fail :read :timed-out` for reads, which have no
 * effect either way, and its process goes on invoking (so it is not retired).
 */
const OP_LINE = /(?:^|\s)jepsen\.util\s+-\s+(\S+)\s+:(\S+)\s+:(\S+)(?:\s+(.*?))?\s*$/;
const LOOKS_LIKE_OP = /jepsen\.util\s+-\s+:?[\w-]+\s+:/;
const TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

export function parseJepsenLog(text: string, file: string): { ops: Op[]; lines: number[] } {
  const ops: Op[] = [];
  const lines: number[] = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const lineText = rows[i];
    if (!lineText.includes('jepsen.util') || !LOOKS_LIKE_OP.test(lineText)) continue;
    const line = i + 1;
    const m = OP_LINE.exec(lineText);
    if (!m) throw new InputError(file, line, 'expected "<level> jepsen.util - <process> :<type> :<f> <value>"');
    const [, procText, typeText, f, valueText = ''] = m;
    if (!TYPES.has(typeText)) {
      throw new InputError(file, line, `expected type :invoke, :ok, :fail or :info; got :${typeText}`);
    }
    const process = /^-?\d+$/.test(procText) ? Number(procText) : procText.replace(/^:/, '');
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
  return { ops, lines };
}

const TIMED_OUT = Symbol('timed-out');

/** The value is EDN (nil, 3, [1 2], {:n1 [:n2]}, :keyword, "string"). */
function parseValue(s: string, file: string, line: number): unknown {
  if (s === '' || s === 'nil') return null;
  if (s === ':timed-out') return TIMED_OUT;
  try {
    return parseEdn(s);
  } catch (err) {
    throw new InputError(file, line, `expected a value (nil, a number, [a b], :keyword, "string" or another EDN form); got ${JSON.stringify(s)}`, { cause: err });
  }
}

export async function readJepsenLog(file: string): Promise<{ ops: Op[]; lines: number[] }> {
  return parseJepsenLog(await readFile(file, 'utf8'), file);
}
