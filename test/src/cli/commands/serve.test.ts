import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../support/fixtures.js';

const store = mkdtempSync(path.join(tmpdir(), 'faultline-serve-cli-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

/** Starts `faultline serve`, waits for its "serving" line, stops it with SIGTERM; what it wrote. */
function serve(...args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--store', store, '--port', '0', ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start: ${stderr}`));
    }, 30_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('serving ')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

describe('faultline serve on the command line', () => {
  it('warns when bound beyond loopback, and not on loopback', async () => {
    const wide = await serve('--host', '0.0.0.0');
    expect(wide.stdout).toMatch(/^serving .* at http:\/\/0\.0\.0\.0:\d+\//);
    expect(wide.stderr).toMatch(
      /warning: serving beyond this machine \(--host 0\.0\.0\.0\): anyone who can reach http:\/\/0\.0\.0\.0:\d+\/ can read every run/,
    );
    expect(wide.code).toBe(0);
    const local = await serve();
    expect(local.stderr).toBe('');
  });
});
