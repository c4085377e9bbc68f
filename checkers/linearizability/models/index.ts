import type { Model, ModelOptions } from '../types.js';
import { kvModel } from './kv.js';
import { checkModelChoice, MODEL_NAMES } from './names.js';
import { fifoQueueModel, mutexModel } from './others.js';
import { registerModel } from './register.js';
import { setModel } from './set.js';

const MAKE: Record<string, (opts: ModelOptions) => Model<any>> = {
  register: (opts) => registerModel(opts, false),
  'cas-register': (opts) => registerModel(opts, true),
  kv: (opts) => kvModel(opts.initial ?? ''),
  mutex: () => mutexModel(),
  'fifo-queue': () => fifoQueueModel(),
  set: () => setModel(),
};

export function modelNames(): string[] {
  return [...MODEL_NAMES];
}

/**
 * The model by name. `initial` (--initial) sets the register's value and every kv
 * key's string; the models that start in a fixed state refuse it rather than ignore it.
 */
export function getModel(name: string, opts: ModelOptions = {}): Model<unknown> {
  checkModelChoice(name, opts);
  return MAKE[name](opts);
}
