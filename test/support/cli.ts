import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { vi } from 'vitest';
import { runFaultline } from '../../src/cli/dispatch.js';
import { repoRoot } from './fixtures.js';

export interface BinResult {
  code: number | null;
  /** stdout and stderr together, as a terminal shows them */
  stdout: string;
  /** the last line printed: a run's or campaign's results directory */
  dir: string;
  pid: number;
}

/**
 * Runs the built CLI (bin/faultline.js) as a user would, writing to `store`;
 * optionally sends `signal` (SIGINT) after `interruptAfterMs`.
 */
export function faultlineBin(args: readonly string[], store: string, o: { interruptAfterMs?: number; signal?: NodeJS.Signals } = {}): Promise<BinResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/faultline.js'), ...args, '--store', store], { cwd: repoRoot });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    if (o.interruptAfterMs) setTimeout(() => child.kill(o.signal ?? 'SIGINT'), o.interruptAfterMs);
    child.on('exit', (code) => resolve({ code, stdout, dir: stdout.trim().split('\n').pop() ?? '', pid: child.pid as number }));
  });
}

/** Runs the CLI from its sources through tsx (no build step), stdout and stderr apart. */
export async function faultlineTsx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

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
