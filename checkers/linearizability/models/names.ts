import { UsageError } from '../../../src/util/errors.js';
import type { ModelOptions } from '../types.js';

/**
 * The models by name, and how each starts when --initial is not given (null: it
 * takes --initial). Apart from the models themselves, so the command line can name
 * them and load only the one it uses (load.ts); getModel (index.ts) has them all.
 */
const STARTS: Record<string, string | null> = {
  register: null,
  'cas-register': null,
  kv: null,
  mutex: 'free',
  'fifo-queue': 'empty',
  set: 'empty',
};

export const MODEL_NAMES: readonly string[] = Object.keys(STARTS);

/** Refuses an unknown model, and an --initial for a model that always starts the same way. */
export function checkModelChoice(name: string, opts: ModelOptions): void {
  if (!Object.hasOwn(STARTS, name)) throw new UsageError(`unknown model ${JSON.stringify(name)}; expected one of ${MODEL_NAMES.join(', ')}`);
  const starts = STARTS[name];
  if (opts.initial !== undefined && starts !== null) throw new UsageError(`--initial does not apply to the ${name} model: it always starts ${starts}`);
}
