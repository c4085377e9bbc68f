import type { Operation } from '../../src/history/types.js';
import { LinearizabilityCheck } from './check-core.js';
import { Explanation } from './explain.js';
import { summarize } from './summary.js';
import type { LinearizabilityOptions, LinearizabilityResult, Model } from './types.js';

export { checkLinearizabilityAsync } from './check-async.js';

/**
 * Is this history linearizable with respect to `model`? Porcupine's algorithm,
 * P-compositional: partitions are searched round-robin in turns, smallest first,
 * so one illegal partition is found without finishing slow legal ones, and the
 * first illegal one ends the check. Time and memory budgets end in 'unknown', and
 * so does a history in which no client operation completed ok (nothing to check).
 * Throws InputError for an op this model cannot read (its shape: model.validate).
 */
export function checkLinearizability(operations: readonly Operation[], model: Model<any>, options: LinearizabilityOptions = {}): LinearizabilityResult {
  const check = new LinearizabilityCheck(operations, model, options, { Explanation, summarize });
  check.advance(Infinity);
  return check.result();
}
