import { exitCodeFor } from '../../checkers/types.js';
import type { CheckArgs } from './check-args.js';
import { resolveCheckOptions } from './check-options.js';
import { runCheck } from './check-run.js';
import { checkJson, checkSummary } from './check-summary.js';

/**
 * `faultline check`, once its arguments are parsed: resolve the options, check
 * (Ctrl-C stops the search and prints what is known so far; progress on stderr when
 * it is a terminal), print, and set the exit code by verdict.
 */
export async function checkMain(args: CheckArgs): Promise<void> {
  const opts = resolveCheckOptions(args);
  const interrupt = new AbortController();
  const onSigint = (): void => {
    process.off('SIGINT', onSigint); // a second Ctrl-C ends the process at once
    interrupt.abort();
    process.stderr.write('\nfaultline: interrupted: stopping with what is known so far (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  const progress = process.stderr.isTTY ? new (await import('./check-progress.js')).ProgressLine(process.stderr, opts.memoryBytes) : null;
  let report: Awaited<ReturnType<typeof runCheck>>;
  try {
    report = await runCheck(opts, { signal: interrupt.signal, onProgress: progress ? (p) => progress.update(p) : undefined });
  } finally {
    process.off('SIGINT', onSigint);
    progress?.clear();
  }
  if (opts.html !== undefined) await (await import('./check-html.js')).writeViolationHtml(opts.html, report, opts);
  process.stdout.write(opts.json ? `${JSON.stringify(checkJson(report))}\n` : checkSummary(report, opts));
  if (opts.html !== undefined && !opts.json) process.stdout.write(`html       ${opts.html}\n`);
  process.exitCode = exitCodeFor(report.result.valid);
}
