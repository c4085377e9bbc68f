import { InputError } from '../util/errors.js';
import type { Op, Operation, ProcessId } from './types.js';

export interface PairedHistory {
  operations: Operation[];
  /** nemesis events, in order */
  nemesis: Op[];
  /** where each operation's events are in the file, for the checkers' error messages */
  source: OpSource;
}

/** The file an operation came from and the lines of its invocation and completion. */
export interface OpSource {
  file: string;
  /** the line of the op's invocation or completion (the invocation's if it never completed) */
  line(op: Operation, event: 'invoke' | 'complete'): number;
}

/**
 * Pairs each client invocation with its completion (Jepsen's history/pair-index).
 * Client processes are integers (or strings); the "nemesis" process is not paired.
 * An invocation left open at the end counts as `info`. A process whose op ended
 * `info` is retired: invoking again is an input error (Jepsen gives it a new id).
 * `lines[i]` names the source line of ops[i] in error messages.
 */
export function pairHistory(ops: readonly Op[], file = 'history', lines?: readonly number[]): PairedHistory {
  const operations: Operation[] = [];
  const nemesis: Op[] = [];
  const open = new Map<ProcessId, number>(); // process -> id of its open operation
  const invokedAt: number[] = []; // operation id -> position in ops of its invocation
  const retired = new Map<ProcessId, number>(); // process -> position of its info completion
  const lineOf = (i: number): number => (lines ? lines[i] : i + 1);

  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const p = op.process;
    if (p === 'nemesis') {
      nemesis.push(op);
      continue;
    }
    if (op.type === 'invoke') {
      const openId = open.get(p);
      if (openId !== undefined && openId >= 0) {
        const at = invokedAt[openId];
        throw new InputError(file, lineOf(i), `process ${p} invokes ${op.f} while its ${ops[at].f} from line ${lineOf(at)} has not completed`);
      }
      const gone = retired.get(p);
      if (gone !== undefined) {
        throw new InputError(
          file,
          lineOf(i),
          `process ${p} invokes again after its op ended info on line ${lineOf(gone)}; a crashed process must continue under a new process id`,
        );
      }
      const operation = newOperation(operations.length, p, op);
      open.set(p, operations.length);
      operations.push(operation);
      invokedAt.push(i);
      continue;
    }
    const openId = open.get(p);
    if (openId === undefined || openId < 0) {
      throw new InputError(file, lineOf(i), `a completion (${op.type} ${op.f}) of process ${p} without an invocation`);
    }
    const operation = operations[openId];
    const pending = invokedAt[openId];
    if (operation.f !== op.f) {
      throw new InputError(file, lineOf(i), `expected a completion of ${operation.f} (invoked on line ${lineOf(pending)}) for process ${p}, got ${op.f}`);
    }
    if (op.time < operation.call) {
      throw new InputError(
        file,
        lineOf(i),
        `expected the completion's time ${op.time} to be at or after its invocation's ${operation.call} (line ${lineOf(pending)})`,
      );
    }
    open.set(p, -1);
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
  const source: OpSource = {
    file,
    line: (op, event) => {
      const at = invokedAt[op.id];
      if (at === undefined) return op.id + 1;
      if (event === 'complete') {
        // its completion is the next event of its process (looked for only on an error)
        for (let j = at + 1; j < ops.length; j++) if (ops[j].process === ops[at].process) return lineOf(j);
      }
      return lineOf(at);
    },
  };
  return { operations, nemesis, source };
}

/**
 * Every Operation has the same fields (error and key may hold undefined) and starts
 * with the most general field kinds (the warm-up below: tagged call/ret/indexes), so
 * a long history does not change the shape half-way and make V8 migrate every
 * earlier object (see json-fast.ts).
 */
function newOperation(id: number, process: ProcessId, op: Op): Operation {
  return {
    id,
    process,
    f: op.f,
    input: op.value,
    output: undefined,
    outcome: 'info',
    call: op.time,
    ret: Infinity,
    invokeIndex: op.index,
    completeIndex: -1,
    error: undefined,
    key: op.key,
  };
}
newOperation(0, 'nemesis', { index: '', time: '', type: 'invoke', process: 'nemesis', f: '', value: {}, key: {} } as unknown as Op).output = {};
