import { writeFile } from 'node:fs/promises';
import { renderViolationHtml } from '../report/violation-html.js';
import { UsageError } from '../util/errors.js';
import type { CheckReport } from './check-run.js';

/** Writes the self-contained page explaining the result (--html). */
export async function writeViolationHtml(out: string, report: CheckReport): Promise<void> {
  const html = renderViolationHtml(report.result, { file: report.file, model: report.model });
  try {
    await writeFile(out, html);
  } catch (err) {
    throw new UsageError(`cannot write --html ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}
