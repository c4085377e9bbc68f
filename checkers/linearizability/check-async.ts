import type { Operation } from '../../src/history/types.js';
import { LinearizabilityCheck } from './check-core.js';
import type { LinearizabilityOptions, LinearizabilityResult, Model } from './types.js';

/** the event loop gets a turn this often (a SIGINT handler runs then) */
const YIELD_MS = 50;

/**
 * checkLinearizability (check.ts), giving the event loop a turn every YIELD_MS:
 * options.signal (e.g. aborted by a SIGINT handler) stops it with what it decided
 * so far, and options.onProgress is called about once a second. The explanation
 * of a violation is loaded only when one is found.
 */
export async function checkLinearizabilityAsync(
  operations: readonly Operation[],
  model: Model<any>,
  options: LinearizabilityOptions = {},
): Promise<LinearizabilityResult> {
  const check = new LinearizabilityCheck(operations, model, options);
  while (!check.advance(performance.now() + YIELD_MS)) {
    if (check.needsReporting) {
      const [{ Explanation }, { summarize }] = await Promise.all([import('./explain.js'), import('./summary.js')]);
      check.provide({ Explanation, summarize });
    } else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return check.result();
}
