import { checkLinearizabilityAsync } from '../../checkers/linearizability/check-async.js';
import { loadModel } from '../../checkers/linearizability/models/load.js';
import { checkModelChoice } from '../../checkers/linearizability/models/names.js';
import type { CheckProgress, LinearizabilityResult } from '../../checkers/linearizability/types.js';
import type { HistoryFormat } from '../history/detect.js';
import { pairHistory } from '../history/pair.js';
import { readHistory } from '../history/read.js';
import { type CheckOptions, defaultNilRead } from './check-options.js';

/** What `faultline check` found, before it is printed. */
export interface CheckReport {
  /** the history's name in messages: its path, or `stdin` */
  file: string;
  format: HistoryFormat;
  model: string;
  /** the model's starting state as the checker uses it (describeState of init) */
  initial: string;
  /** how nil reads were taken, for the models where that means something (registers) */
  nilRead?: 'value' | 'unknown';
  /** history events read (including nemesis events) */
  events: number;
  nemesis: number;
  /** lines skipped as other log output (Jepsen logs) */
  skipped: number;
  /** ms spent reading and pairing */
  readMs: number;
  result: LinearizabilityResult;
}

export interface RunCheckHooks {
  /** aborted (Ctrl-C): the check stops with what it decided so far */
  signal?: AbortSignal;
  onProgress?(p: CheckProgress): void;
  /** where `-` reads from (default process.stdin) */
  stdin?: NodeJS.ReadableStream;
}

/** read → pair → check. Throws InputError/UsageError for bad input. */
export async function runCheck(opts: CheckOptions, hooks: RunCheckHooks = {}): Promise<CheckReport> {
  // an unknown model or an --initial it cannot take is a usage error: say so before reading a large file
  checkModelChoice(opts.model, { initial: opts.initial });
  const t0 = performance.now();
  const { ops, lines, format, name, skipped } = await readHistory(opts.file, { format: opts.format, stdin: hooks.stdin });
  const { operations, nemesis, source } = pairHistory(ops, name, lines);
  const readMs = performance.now() - t0;
  const model = await loadModel(opts.model, { initial: opts.initial, nilRead: opts.nilRead ?? defaultNilRead(format) });
  const result = await checkLinearizabilityAsync(operations, model, {
    timeoutMs: opts.timeoutMs,
    memoryBytes: opts.memoryBytes,
    partition: opts.partition,
    source,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
  });
  return {
    file: name,
    format,
    model: opts.model,
    initial: model.describeState(model.init()),
    nilRead: model.nilRead,
    events: ops.length,
    nemesis: nemesis.length,
    skipped,
    readMs,
    result,
  };
}
