import { spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { command, fetchWithTimeout, LocalCluster, type LocalNode, post } from '../../../../systems/exchange/local-cluster.js';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../dist/systems/exchange/node/main.js');

let cluster: LocalCluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

/** A raw request, for bodies fetch would not send (truncated, oversized). */
function raw(n: LocalNode, path: string, body: string): Promise<{ status: number; body: any }> {
  const u = new URL(n.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method: 'POST', headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('node process: options', () => {
  it('exits 254 with a clear message on bad options', () => {
    const r = spawnSync(process.execPath, [MAIN, '--id', 'n1', '--cluster', 'n1@127.0.0.1:1:2', '--data-dir', '/tmp/x', '--read-mode', 'stale'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(254);
    expect(r.stderr).toMatch(/--read-mode must be one of index, lease, local, leader; got "stale"/);
    const missing = spawnSync(process.execPath, [MAIN], { encoding: 'utf8' });
    expect(missing.status).toBe(254);
    expect(missing.stderr).toMatch(/--id, --cluster and --data-dir are required/);
  });
});

describe('node process: client API', () => {
  it('answers bad requests definitely, serves health and metrics', async () => {
    cluster = await LocalCluster.start(1, ['--max-body-bytes', '1000']);
    const n = await cluster.leader();
    const badJson = await raw(n, '/v1/command', '{"clientId": "c", ');
    expect(badJson).toMatchObject({ status: 400, body: { ok: false, error: { code: 'bad-request', definite: true } } });
    const badShape = await post(`${n.url}/v1/command`, { clientId: 'c', seq: 'one', command: { type: 'kv.write' } });
    expect(badShape.body.error).toMatchObject({ code: 'bad-request', definite: true });
    const big = await raw(n, '/v1/command', JSON.stringify({ clientId: 'c', seq: 1, command: { type: 'kv.write', key: 'k', value: 'x'.repeat(5000) } }));
    expect(big.body.error).toMatchObject({ code: 'bad-request', definite: true, message: 'body exceeds 1000 bytes' });
    const noRoute = await post(`${n.url}/v1/nothing`, {});
    expect(noRoute.body.error.code).toBe('bad-request');
    expect((await command(n, 'c', 1, { type: 'kv.write', key: 'k', value: 1 })).status).toBe(200);

    const before = Date.now();
    const h = (await (await fetchWithTimeout(`${n.url}/health`, undefined, 2000)).json()) as Record<string, unknown>;
    expect(h).toMatchObject({ id: 'n1', role: 'leader', options: { 'read-mode': 'index', ack: 'commit', persist: 'fsync', fsync: 'before-ack' } });
    expect(h.appliedIndex).toBeGreaterThanOrEqual(2); // the leader's noop and the write
    expect(Math.abs((h.now as number) - before)).toBeLessThan(2000);

    const m = await (await fetchWithTimeout(`${n.url}/metrics`, undefined, 2000)).text();
    expect(m).toMatch(/^faultline_raft_role\{role="leader"\} 1$/m);
    expect(m).toMatch(/^faultline_raft_applied_index \d+$/m);
    expect(m).toMatch(/^faultline_commit_latency_seconds_count [1-9]\d*$/m);
    expect(m).toMatch(/^faultline_fsync_seconds_count [1-9]\d*$/m);
    expect(m).toMatch(/^faultline_http_errors_total\{code="bad-request"\} 4$/m);
  });

  it('answers timeout (indefinite) when a write cannot commit, overloaded (definite) beyond the in-flight bound', async () => {
    // long election timeout: the leader keeps its role for a while after losing its followers
    cluster = await LocalCluster.start(3, [
      '--tick-ms',
      '5',
      '--election-ticks',
      '300',
      '--heartbeat-ticks',
      '20',
      '--request-timeout-ms',
      '400',
      '--max-pending',
      '1',
    ]);
    const leader = await cluster.leader(20_000);
    for (const f of cluster.nodes) if (f !== leader) await cluster.kill(f);
    const [first, second] = await Promise.all([
      command(leader, 'c', 1, { type: 'kv.write', key: 'k', value: 1 }, 5000),
      new Promise((r) => setTimeout(r, 50)).then(() => command(leader, 'c', 2, { type: 'kv.write', key: 'k', value: 2 }, 5000)),
    ]);
    expect(second.body.error).toMatchObject({ code: 'overloaded', definite: true });
    expect(first.status).toBe(504);
    expect(first.body.error).toMatchObject({ code: 'timeout', definite: false });
  });
});
