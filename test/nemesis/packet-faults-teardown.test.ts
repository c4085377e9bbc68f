import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NETEM_DEFAULTS } from '../../nemesis/netem-plan.js';
import { removeStaleTables } from '../../nemesis/netq.js';
import { sweepNamespace } from '../../nemesis/packet-faults.js';
import { roundTrips, startProbeServer } from '../../nemesis/probe.js';
import { repoRoot } from '../support/fixtures.js';
import { hasNetns, leftoversIn, makeNetns, type TestNetns } from '../support/netns.js';

interface Driver {
  pid: number;
  helpers: number[];
  exit: Promise<number | null>;
  signal(s: NodeJS.Signals): void;
}

/** starts the stand-in controller and resolves once it printed `until` */
function driver(net: TestNetns, until: string): Promise<Driver> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/support/netq-driver.ts'), JSON.stringify(net.nodes)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const helpers: number[] = [];
  let out = '';
  let err = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      for (const m of out.matchAll(/^helper (\d+)$/gm)) if (!helpers.includes(Number(m[1]))) helpers.push(Number(m[1]));
      if (out.split('\n').includes(until)) resolve({ pid: child.pid as number, helpers, exit, signal: (s) => child.kill(s) });
    });
    void exit.then((code) => reject(new Error(`driver exited ${code} before "${until}": ${out}${err}`)));
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pids: number[], ms = 5000): Promise<number[]> {
  const end = Date.now() + ms;
  while (Date.now() < end && pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(alive);
}

describe.runIf(hasNetns())('teardown of packet faults when the controller is interrupted', () => {
  let net: TestNetns;

  beforeEach(() => {
    net = makeNetns(4);
  });

  afterEach(() => {
    net.destroy();
  });

  const everyNamespace = () => Object.fromEntries(net.nodes.map((n) => [n.id, leftoversIn(n.ns)]));
  const clean = Object.fromEntries(['n1', 'n2', 'n3', 'n4'].map((id) => [id, { rules: [], qdiscs: [] }]));

  it('SIGINT while faults are being started: what was started and what was under way are undone', async () => {
    const d = await driver(net, 'started start-delay');
    d.signal('SIGINT');
    expect(await d.exit).toBe(2);
    expect(everyNamespace()).toEqual(clean);
    expect(d.helpers.length).toBeGreaterThan(0);
    expect(await gone(d.helpers)).toEqual([]);
  }, 60_000);

  it('SIGTERM with delay, bandwidth, reorder and duplicate in force: no rule, qdisc or helper left', async () => {
    const d = await driver(net, 'all started');
    // while in force: every kind of leftover the test looks for is really there
    const during = everyNamespace();
    expect(during.n1.qdiscs.join()).toContain('tbf');
    expect(during.n2.rules.join('\n')).toContain('NFQUEUE');
    expect(during.n3.rules.join('\n')).toContain('NFQUEUE');
    expect(during.n4.rules.join('\n')).toContain('NFQUEUE');
    expect(d.helpers).toHaveLength(4); // netq at n1, n2, n3 and n4
    d.signal('SIGTERM');
    expect(await d.exit).toBe(2);
    expect(everyNamespace()).toEqual(clean);
    expect(await gone(d.helpers)).toEqual([]);
  }, 60_000);

  it('SIGKILL (no teardown possible): the helpers die with it, traffic bypasses the orphaned rules, a sweep removes them', async () => {
    const d = await driver(net, 'all started');
    d.signal('SIGKILL');
    await d.exit;
    expect(await gone(d.helpers)).toEqual([]); // PR_SET_PDEATHSIG
    expect(leftoversIn(net.nodes[1].ns).rules.length).toBeGreaterThan(0);
    const server = await startProbeServer(net.nodes[1].pid, NETEM_DEFAULTS.probePort);
    try {
      // n1 -> n2 was delayed 50 ms each way; with no daemon bound the queue is bypassed
      const r = await roundTrips(net.nodes[0].pid, net.nodes[1].ip, NETEM_DEFAULTS.probePort, 5);
      expect(Math.max(...r.samplesMs)).toBeLessThan(30);
    } finally {
      await server.stop();
    }
    for (const n of net.nodes) expect(await sweepNamespace(n.pid)).toEqual({ rules: [], qdiscs: [] });
    expect(everyNamespace()).toEqual(clean);
    // the dead controller's netq tables (files) stay until a later controller's first start removes them
    const tables = readdirSync(tmpdir()).filter((f) => f.startsWith(`faultline-netq-${d.pid}-`));
    expect(tables.length).toBeGreaterThan(0);
    removeStaleTables();
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`faultline-netq-${d.pid}-`))).toEqual([]);
  }, 60_000);
});
