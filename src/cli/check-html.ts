import { writeFile } from 'node:fs/promises';
import type { LinearizabilityResult } from '../../checkers/linearizability/types.js';
import { EnvironmentError, UsageError } from '../util/errors.js';
import type { CheckReport } from './check-run.js';

type Render = (result: LinearizabilityResult, meta: { file: string; model: string }) => string;

// Loaded lazily: the page renderer is only needed with --html.
const RENDERER = '../report/violation-html.js';

async function loadRenderer(): Promise<Render> {
  try {
    const mod = (await import(RENDERER)) as { renderViolationHtml: Render };
    return mod.renderViolationHtml;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new EnvironmentError('E_NO_HTML', 'this build has no HTML report renderer (src/report/violation-html)', { cause: err });
    }
    throw err;
  }
}

/** Writes the self-contained page explaining the result (--html). */
export async function writeViolationHtml(out: string, report: CheckReport): Promise<void> {
  const render = await loadRenderer();
  const html = render(report.result, { file: report.file, model: report.model });
  try {
    await writeFile(out, html);
  } catch (err) {
    throw new UsageError(`cannot write --html ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}
