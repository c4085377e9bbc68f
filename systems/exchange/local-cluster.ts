import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, Query } from './machine/commands.js';
import type { Health } from './protocol.js';

/** The built node entry point, whether this module runs from dist/ or from src/ (vitest). */
function nodeMain(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const sibling = path.resolve(here, 'node/main.js');
  if (here.split(path.sep).includes('dist') && existsSync(sibling)) return sibling;
  return path.resolve(here, '../../dist/systems/exchange/node/main.js');
}

/**
 * A cluster of real exchange node processes on loopback (no Docker): used by the
 * node's integration tests and `npm run bench:node`.
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve) => {
          const s = net.createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface LocalNode {
  id: string;
  url: string;
  dataDir: string;
  proc: ChildProcess | null;
  args: string[];
  output: string[];
}

export interface LocalClusterOptions {
  /**
   * Called for each node's data directory (created) before any node starts, e.g. to
   * mount a file system over it (the power-cut layer); what it returns is disposed
   * of at stop(), after the nodes are dead and before the directories are removed.
   */
  mountDataDir?: (dir: string, id: string) => Promise<{ dispose(): Promise<void> }>;
}

export class LocalCluster {
  readonly nodes: LocalNode[] = [];
  readonly dir: string;
  private readonly mounts: { dispose(): Promise<void> }[] = [];

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async start(size: number, extra: string[] = [], opts: LocalClusterOptions = {}): Promise<LocalCluster> {
    const c = new LocalCluster(mkdtempSync(path.join(tmpdir(), 'faultline-cluster-')));
    const ports = await freePorts(size * 2);
    const ids = Array.from({ length: size }, (_, i) => `n${i + 1}`);
    const cluster = ids.map((id, i) => `${id}@127.0.0.1:${ports[2 * i]}:${ports[2 * i + 1]}`).join(',');
    ids.forEach((id, i) => {
      const dataDir = path.join(c.dir, id);
      c.nodes.push({
        id,
        url: `http://127.0.0.1:${ports[2 * i + 1]}`,
        dataDir,
        proc: null,
        args: ['--id', id, '--cluster', cluster, '--data-dir', dataDir, ...extra],
        output: [],
      });
    });
    if (opts.mountDataDir) {
      try {
        for (const n of c.nodes) {
          mkdirSync(n.dataDir, { recursive: true });
          c.mounts.push(await opts.mountDataDir(n.dataDir, n.id));
        }
      } catch (err) {
        await c.stop();
        throw err;
      }
    }
    for (const n of c.nodes) c.spawn(n);
    return c;
  }

  spawn(n: LocalNode): void {
    const proc = spawn(process.execPath, [nodeMain(), ...n.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.on('data', (d) => n.output.push(String(d)));
    proc.stderr?.on('data', (d) => n.output.push(String(d)));
    n.proc = proc;
  }

  /** SIGKILL: no chance to flush anything */
  kill(n: LocalNode): Promise<void> {
    const proc = n.proc;
    n.proc = null;
    if (!proc || proc.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }

  async health(n: LocalNode): Promise<Health | null> {
    try {
      const res = await fetchWithTimeout(`${n.url}/health`, undefined, 500);
      return (await res.json()) as Health;
    } catch {
      return null;
    }
  }

  async leader(timeoutMs = 10_000): Promise<LocalNode> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      for (const n of this.nodes) {
        if (!n.proc) continue;
        const h = await this.health(n);
        if (h?.role === 'leader') return n;
      }
      await sleep(50);
    }
    throw new Error(`no leader within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.kill(n)));
    await Promise.all(this.mounts.splice(0).map((m) => m.dispose()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function fetchWithTimeout(url: string, init: RequestInit | undefined, ms: number): Promise<Response> {
  // AbortController + setTimeout: AbortSignal.timeout() let fetch hang under packet loss (design.md §2)
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), ms);
  try {
    return await fetch(url, { ...init, signal: ctl.signal });
  } finally {
    clearTimeout(timer);
  }
}

export async function post(url: string, body: unknown, ms = 3000): Promise<{ status: number; body: any }> {
  const res = await fetchWithTimeout(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }, ms);
  return { status: res.status, body: await res.json() };
}

export const command = (n: LocalNode, clientId: string, seq: number, cmd: Command, ms?: number) =>
  post(`${n.url}/v1/command`, { clientId, seq, command: cmd }, ms);
export const query = (n: LocalNode, q: Query, ms?: number) => post(`${n.url}/v1/query`, { query: q }, ms);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
