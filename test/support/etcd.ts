import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ETCD_BINARY } from '../../src/sut/etcd/adapter.js';
import { REQUIRE_DOCKER } from './docker.js';

/** Debian's etcd-server is installed (docker/host-setup.sh installs it; CI must not skip) */
export const ETCD = existsSync(ETCD_BINARY);
export const REQUIRE_ETCD = REQUIRE_DOCKER;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface LocalEtcd {
  url: string;
  /** SIGKILL and remove its data */
  stop(): Promise<void>;
}

/** One etcd member on loopback, in a temporary data directory, ready when its status answers. */
export async function startLocalEtcd(): Promise<LocalEtcd> {
  const [client, peer] = [await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-etcd-'));
  const url = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const child: ChildProcess = spawn(
    ETCD_BINARY,
    [
      '--name',
      'n1',
      '--data-dir',
      path.join(dir, 'data'),
      '--listen-client-urls',
      url,
      '--advertise-client-urls',
      url,
      '--listen-peer-urls',
      peerUrl,
      '--initial-advertise-peer-urls',
      peerUrl,
      '--initial-cluster',
      `n1=${peerUrl}`,
      '--logger',
      'zap',
      '--log-outputs',
      'stderr',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d) => (log = (log + d).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${url}/v3/maintenance/status`, { method: 'POST', body: '{}' });
      if (r.ok && (await r.json()).leader) return { url, stop };
    } catch {}
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`local etcd did not come up:\n${log}`);
}
