import { checkLinearizability } from '../../checkers/linearizability/check.js';
import { getModel, modelNames } from '../../checkers/linearizability/models/index.js';
import type { LinearizabilityResult } from '../../checkers/linearizability/types.js';
import type { HistoryFormat } from '../history/detect.js';
import { pairHistory } from '../history/pair.js';
import { readHistory } from '../history/read.js';
import { type CheckOptions, defaultNilRead } from './check-options.js';

/** What `faultline check` found, before it is printed. */
export interface CheckReport {
  file: string;
  format: HistoryFormat;
  model: string;
  initial: unknown;
  nilRead: 'value' | 'unknown';
  /** history events read (including nemesis events) */
  events: number;
  nemesis: number;
  /** ms spent reading and pairing */
  readMs: number;
  result: LinearizabilityResult;
}

/** read → pair → check. Throws InputError/UsageError for bad input. */
export async function runCheck(opts: CheckOptions): Promise<CheckReport> {
  // an unknown model is a usage error: say so before reading a large file
  if (!modelNames().includes(opts.model)) getModel(opts.model);
  const t0 = performance.now();
  const { ops, lines, format } = await readHistory(opts.file, { format: opts.format });
  const { operations, nemesis } = pairHistory(ops, opts.file, lines);
  const readMs = performance.now() - t0;
  const nilRead = opts.nilRead ?? defaultNilRead(format);
  const model = getModel(opts.model, { initial: opts.initial, nilRead });
  const result = checkLinearizability(operations, model, {
    timeoutMs: opts.timeoutMs,
    memoryBytes: opts.memoryBytes,
    partition: opts.partition,
  });
  return { file: opts.file, format, model: opts.model, initial: opts.initial, nilRead, events: ops.length, nemesis: nemesis.length, readMs, result };
}
