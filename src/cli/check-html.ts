import { writeFile } from 'node:fs/promises';
import { renderViolationHtml } from '../report/violation-html.js';
import { UsageError } from '../util/errors.js';
import type { CheckOptions } from './check-options.js';
import type { CheckReport } from './check-run.js';

/** Writes the self-contained page explaining the result (--html); an unknown one names the budgets the check had. */
export async function writeViolationHtml(out: string, report: CheckReport, opts: Pick<CheckOptions, 'timeoutMs' | 'memoryBytes'> = {}): Promise<void> {
  const budget = {
    timeoutS: opts.timeoutMs === undefined ? undefined : opts.timeoutMs / 1000,
    memoryMB: opts.memoryBytes === undefined ? undefined : opts.memoryBytes / (1024 * 1024),
  };
  const html = renderViolationHtml(report.result, { file: report.file, model: report.model, budget });
  try {
    await writeFile(out, html);
  } catch (err) {
    throw new UsageError(`cannot write --html ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}
