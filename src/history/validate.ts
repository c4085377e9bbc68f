import { InputError } from '../util/errors.js';
import { describe } from './describe.js';
import type { Op, OpType } from './types.js';

const OP_TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

/**
 * Checks one decoded op map and normalizes it: `index` defaults to the op's position
 * and `time` to its index (fixtures without times keep their order). An absent
 * `value` stays absent (undefined): the models tell "no value" from null, since an
 * ok read or a write without one is a recording bug, not a read of nil.
 */
export function toOp(raw: unknown, position: number, file: string, line: number): Op {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(file, line, `expected an op map {type, process, f, value}, got ${describe(raw)}`);
  }
  const r = raw as Record<string, unknown>;
  const type = r.type;
  if (typeof type !== 'string' || !OP_TYPES.has(type)) {
    throw new InputError(file, line, `expected "type" to be one of invoke, ok, fail, info; got ${describe(type)}`);
  }
  const proc = r.process;
  if (!((typeof proc === 'number' && Number.isInteger(proc)) || typeof proc === 'string')) {
    throw new InputError(file, line, `expected "process" to be an integer or a string; got ${describe(proc)}`);
  }
  if (typeof r.f !== 'string') {
    throw new InputError(file, line, `expected "f" to be a string; got ${describe(r.f)}`);
  }
  // finite: JSON reads 1e999 as Infinity
  if (r.index !== undefined && (typeof r.index !== 'number' || !Number.isFinite(r.index))) {
    throw new InputError(file, line, `expected "index" to be a number; got ${describe(r.index)}`);
  }
  if (r.time !== undefined && (typeof r.time !== 'number' || !Number.isFinite(r.time))) {
    throw new InputError(file, line, `expected "time" to be a number; got ${describe(r.time)}`);
  }
  const op = r as Op;
  op.type = type as OpType;
  if (op.index === undefined) op.index = position;
  if (op.time === undefined) op.time = op.index;
  return op;
}

export { describe };
