import { vi } from 'vitest';
import { runFaultline } from '../../src/cli/dispatch.js';

/**
 * Runs the faultline command line in this process, through the same code path as
 * bin/faultline.js (dispatch → fast path or yargs → handler → reportError), and
 * returns its exit code and output. For property tests: a process per case is slow.
 */
export async function faultlineInProcess(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    await runFaultline(argv);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr };
}
