import { UsageError } from '../../../src/util/errors.js';
import type { Model, ModelOptions } from '../types.js';
import { kvModel } from './kv.js';
import { fifoQueueModel, mutexModel } from './others.js';
import { registerModel } from './register.js';
import { setModel } from './set.js';

/** Each model, and how it starts when --initial is not given (null: it takes no --initial). */
const MODELS: Record<string, { make: (opts: ModelOptions) => Model<any>; starts: string | null }> = {
  register: { make: (opts) => registerModel(opts, false), starts: null },
  'cas-register': { make: (opts) => registerModel(opts, true), starts: null },
  kv: { make: (opts) => kvModel(opts.initial ?? ''), starts: null },
  mutex: { make: () => mutexModel(), starts: 'free' },
  'fifo-queue': { make: () => fifoQueueModel(), starts: 'empty' },
  set: { make: () => setModel(), starts: 'empty' },
};

export function modelNames(): string[] {
  return Object.keys(MODELS);
}

/**
 * The model by name. `initial` (--initial) sets the register's value and every kv
 * key's string; the models that start in a fixed state refuse it rather than ignore it.
 */
export function getModel(name: string, opts: ModelOptions = {}): Model<unknown> {
  const entry = Object.hasOwn(MODELS, name) ? MODELS[name] : undefined;
  if (entry === undefined) throw new UsageError(`unknown model ${JSON.stringify(name)}; expected one of ${modelNames().join(', ')}`);
  if (opts.initial !== undefined && entry.starts !== null) {
    throw new UsageError(`--initial does not apply to the ${name} model: it always starts ${entry.starts}`);
  }
  return entry.make(opts);
}
