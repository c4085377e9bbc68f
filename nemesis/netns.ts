import { type ChildProcess, spawn } from 'node:child_process';
import { execa } from 'execa';

/**
 * Commands and helper processes inside a node's network namespace, run from the host
 * with `nsenter -t <pid> -n` (nsenter execs the command, so it stays our child and the
 * node's image needs none of it).
 */
export async function inNetns(pid: number, cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  const r = await execa('nsenter', ['-t', String(pid), '-n', cmd, ...args], { reject: false, timeout: opts.timeoutMs ?? 30_000 });
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} in netns of pid ${pid} failed (${r.exitCode ?? r.signal}): ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** like inNetns, for commands whose failure is an answer (a missing chain) */
export async function tryInNetns(pid: number, cmd: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const r = await execa('nsenter', ['-t', String(pid), '-n', cmd, ...args], { reject: false, timeout: 30_000 });
  return { ok: r.exitCode === 0, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A long-lived helper (netq, a probe server): it prints "ready" once it works, and
 * JSON lines of counters when asked (SIGUSR1) and when it ends. The helpers set
 * PR_SET_PDEATHSIG, so they die with this process; every live one is also in
 * `HELPERS`, so a teardown can end them by pid.
 */
export class Helper {
  private readonly lines: string[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly exited: Promise<number | null>;
  private code: number | null | undefined;
  private stderr = '';

  private constructor(
    readonly name: string,
    readonly netnsPid: number,
    private readonly child: ChildProcess,
  ) {
    let partial = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      partial += d;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const w of this.waiters.splice(0)) w();
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-2000)));
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.code = code ?? (signal ? -1 : null);
        HELPERS.delete(this);
        for (const w of this.waiters.splice(0)) w();
        resolve(this.code);
      });
      child.on('error', () => {
        this.code = -1;
        HELPERS.delete(this);
        for (const w of this.waiters.splice(0)) w();
        resolve(-1);
      });
    });
  }

  /** starts `cmd args` in the namespace of `pid` and waits for its "ready" */
  static async start(pid: number, cmd: string, args: string[], name = cmd, readyTimeoutMs = 10_000): Promise<Helper> {
    const child = spawn('nsenter', ['-t', String(pid), '-n', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const h = new Helper(name, pid, child);
    HELPERS.add(h);
    if (!(await h.waitLine((l) => l === 'ready', readyTimeoutMs))) {
      await h.stop();
      throw new Error(`${name} in netns of pid ${pid} did not start: ${h.stderr.trim() || h.lines.join(' ') || `exit ${h.code}`}`);
    }
    return h;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.code === undefined;
  }

  /** the first line from now on that `match` accepts, or null on timeout or exit */
  private async waitLine(match: (line: string) => boolean, timeoutMs: number, from = 0): Promise<string | null> {
    const end = Date.now() + timeoutMs;
    let seen = from;
    for (;;) {
      for (; seen < this.lines.length; seen++) if (match(this.lines[seen])) return this.lines[seen];
      if (!this.running || Date.now() >= end) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, end - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** asks for its counters (SIGUSR1) and returns the JSON line it prints */
  async counters<T>(timeoutMs = 2000): Promise<T | null> {
    const line = await this.request('SIGUSR1', (l) => l.startsWith('{'), timeoutMs);
    return line ? (JSON.parse(line) as T) : null;
  }

  /** sends `signal` and returns the first line after it that `match` accepts (null: no answer in time, or it exited) */
  async request(signal: NodeJS.Signals, match: (line: string) => boolean, timeoutMs = 2000): Promise<string | null> {
    if (!this.running) return null;
    const from = this.lines.length;
    this.child.kill(signal);
    return this.waitLine(match, timeoutMs, from);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves to its last JSON line (its final counters), if any */
  async stop<T>(graceMs = 3000): Promise<T | null> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    const last = [...this.lines].reverse().find((l) => l.startsWith('{'));
    return last ? (JSON.parse(last) as T) : null;
  }

  /** synchronous last resort (process exit): SIGTERM, which netq answers by releasing what it holds */
  terminateNow(): void {
    if (this.running) this.child.kill('SIGTERM');
  }
}

/** every helper still running, across all faults of this process */
export const HELPERS = new Set<Helper>();

/** ends every helper still running (SIGTERM, then SIGKILL); returns how many there were */
export async function stopAllHelpers(): Promise<number> {
  const all = [...HELPERS];
  await Promise.all(all.map((h) => h.stop()));
  return all.length;
}

// a controller that exits without its teardown (an uncaught error) still takes its helpers with it
process.once('exit', () => {
  for (const h of HELPERS) h.terminateNow();
});
