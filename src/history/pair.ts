import { InputError } from '../util/errors.js';
import type { Op, Operation, ProcessId } from './types.js';

export interface PairedHistory {
  operations: Operation[];
  /** nemesis events, in order */
  nemesis: Op[];
}

/**
 * Pairs each client invocation with its completion (Jepsen's history/pair-index).
 * Client processes are integers (or strings); the "nemesis" process is not paired.
 * An invocation left open at the end counts as `info`. A process whose op ended
 * `info` is retired: invoking again is an input error (Jepsen gives it a new id).
 * `lines[i]` names the source line of ops[i] in error messages.
 */
export function pairHistory(ops: readonly Op[], file = '<history>', lines?: readonly number[]): PairedHistory {
  const operations: Operation[] = [];
  const nemesis: Op[] = [];
  const open = new Map<ProcessId, number>(); // process -> index into ops of its open invocation
  const retired = new Map<ProcessId, number>(); // process -> index of its info completion
  const lineOf = (i: number): number => (lines ? lines[i] : i + 1);
  const byInvoke = new Map<number, Operation>();

  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const p = op.process;
    if (p === 'nemesis') {
      nemesis.push(op);
      continue;
    }
    if (op.type === 'invoke') {
      const pending = open.get(p);
      if (pending !== undefined) {
        throw new InputError(file, lineOf(i), `process ${p} invokes ${op.f} while its ${ops[pending].f} from line ${lineOf(pending)} has not completed`);
      }
      const gone = retired.get(p);
      if (gone !== undefined) {
        throw new InputError(file, lineOf(i), `process ${p} invokes again after its op ended info on line ${lineOf(gone)}; a crashed process must continue under a new process id`);
      }
      const operation: Operation = {
        id: operations.length,
        process: p,
        f: op.f,
        input: op.value,
        output: undefined,
        outcome: 'info',
        call: op.time,
        ret: Infinity,
        invokeIndex: op.index,
        completeIndex: -1,
      };
      if (op.key !== undefined) operation.key = op.key;
      operations.push(operation);
      byInvoke.set(i, operation);
      open.set(p, i);
      continue;
    }
    const pending = open.get(p);
    if (pending === undefined) {
      throw new InputError(file, lineOf(i), `a completion (${op.type} ${op.f}) of process ${p} without an invocation`);
    }
    if (ops[pending].f !== op.f) {
      throw new InputError(file, lineOf(i), `expected a completion of ${ops[pending].f} (invoked on line ${lineOf(pending)}) for process ${p}, got ${op.f}`);
    }
    open.delete(p);
    const operation = byInvoke.get(pending) as Operation;
    byInvoke.delete(pending);
    operation.completeIndex = op.index;
    if (op.error !== undefined) operation.error = op.error;
    if (op.type === 'info') {
      retired.set(p, i);
      continue; // outcome stays info, ret Infinity
    }
    operation.outcome = op.type;
    operation.output = op.value;
    operation.ret = op.time;
  }
  return { operations, nemesis };
}
