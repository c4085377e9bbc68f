import { UsageError } from '../../../src/util/errors.js';
import type { Model, ModelOptions } from '../types.js';
import { kvModel } from './kv.js';
import { fifoQueueModel, mutexModel, setModel } from './others.js';
import { registerModel } from './register.js';

const MODELS: Record<string, (opts: ModelOptions) => Model<any>> = {
  register: (opts) => registerModel(opts, false),
  'cas-register': (opts) => registerModel(opts, true),
  kv: () => kvModel(),
  mutex: () => mutexModel(),
  'fifo-queue': () => fifoQueueModel(),
  set: () => setModel(),
};

export function modelNames(): string[] {
  return Object.keys(MODELS);
}

export function getModel(name: string, opts: ModelOptions = {}): Model<unknown> {
  const make = MODELS[name];
  if (make === undefined) throw new UsageError(`unknown model ${JSON.stringify(name)}; expected one of ${modelNames().join(', ')}`);
  return make(opts);
}
