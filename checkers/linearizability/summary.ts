import type { Operation } from '../../src/history/types.js';
import type { Model, OpSummary } from './types.js';

export function summarize(op: Operation, model: Model<unknown>): OpSummary {
  return {
    id: op.id,
    process: op.process,
    f: op.f,
    input: op.input,
    output: op.output,
    outcome: op.outcome,
    call: op.call,
    ret: op.ret === Infinity ? null : op.ret,
    invokeIndex: op.invokeIndex,
    completeIndex: op.completeIndex,
    description: model.describeOp(op),
  };
}
