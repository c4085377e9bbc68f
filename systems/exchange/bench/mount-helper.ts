import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A file system mounted over a node's data directory by an outside program (the
 * harness's power-cut layer, faultline-lazyfs, whose path `npm run bench:node`
 * passes): `<program> <dir> <dir>` prints one line once mounted, and unmounts and
 * exits when its stdin closes. The node knows nothing of it: that is the point.
 */
export async function mountWith(program: string, dir: string): Promise<{ pid: number; dispose(): Promise<void> }> {
  const child = spawn(program, [dir, dir], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${program} exited (${code}) before mounting ${dir}`)));
    child.once('error', reject);
  });
  if (!line.includes('"mounted":true')) throw new Error(`${program} did not mount ${dir}: ${line}`);
  return {
    pid: child.pid ?? 0,
    dispose: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
