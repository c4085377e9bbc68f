import type { Model, ModelOptions } from '../types.js';
import { checkModelChoice } from './names.js';

/** Each model's module, imported when it is asked for. */
const LOAD: Record<string, (opts: ModelOptions) => Promise<Model<any>>> = {
  register: async (opts) => (await import('./register.js')).registerModel(opts, false),
  'cas-register': async (opts) => (await import('./register.js')).registerModel(opts, true),
  kv: async (opts) => (await import('./kv.js')).kvModel(opts.initial ?? ''),
  mutex: async () => (await import('./others.js')).mutexModel(),
  'fifo-queue': async () => (await import('./others.js')).fifoQueueModel(),
  set: async () => (await import('./set.js')).setModel(),
};

/** getModel (index.ts), loading only the model's own module: the command line uses one. */
export async function loadModel(name: string, opts: ModelOptions = {}): Promise<Model<unknown>> {
  checkModelChoice(name, opts);
  return LOAD[name](opts);
}
