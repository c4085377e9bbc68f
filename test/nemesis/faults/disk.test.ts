import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CutReport } from '../../../nemesis/lazyfs.js';
import { Nemesis } from '../../../nemesis/nemesis.js';
import type { DiskRuntime, PowerLayer } from '../../../nemesis/runtime.js';
import { FakeRuntime } from '../../support/fake-runtime.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const report = (bytes: number): CutReport => ({
  files: bytes ? [{ path: '/wal.log', unsyncedBytes: bytes, size: 100 + bytes, durableSize: 100 }] : [],
  unsyncedBytes: bytes,
  unsyncedFiles: bytes ? 1 : 0,
  syncsInterrupted: 1,
  interrupted: [{ path: '/wal.log', bytes: 5 }],
  torn: null,
  namespace: [],
});

/** a fake cluster with data directories on disk and fake power-cut layers that log into rt.calls */
class DiskFake extends FakeRuntime {
  override dataDir(id: string): string {
    return path.join(this.root, id, 'data');
  }

  readonly root = mkdtempSync(path.join(tmpdir(), 'faultline-diskfake-'));
  readonly disk: DiskRuntime;
  constructor(n = 5) {
    super(n);
    dirs.push(this.root);
    const layers = new Map<string, PowerLayer>();
    for (const node of this.nodes) {
      mkdirSync(path.join(this.root, node.id, 'data'), { recursive: true });
      writeFileSync(path.join(this.root, node.id, 'data', 'wal.log'), Buffer.from(Array.from({ length: 600 }, (_, i) => i & 0xff)));
      layers.set(node.id, {
        cut: async (o) => {
          this.calls.push(`cut ${node.id}${o.tear ? ` tear=${o.tear}` : ''}${o.atSyncMs ? ` at-sync=${o.atSyncMs}` : ''}`);
          return report(10);
        },
        powerOn: async () => void this.calls.push(`on ${node.id}`),
      });
    }
    this.disk = {
      layer: (id) => layers.get(id) ?? null,
      exitCode: async (id) => this.exitCodes.get(id) ?? null,
      scratchDir: (id) => path.join(this.root, id, 'corrupt'),
    };
  }
}

describe('the power-cut fault', () => {
  it('cuts a minority, then whoever leads, each before its kill; the stop restarts them all', async () => {
    const rt = new DiskFake(5);
    const nemesis = new Nemesis(rt);
    const rec = await nemesis.apply({ f: 'start-power-cut', target: 'minority-then-leader', nodes: ['n2', 'n3'], thenLeader: true, gapMs: 0, tear: 0.4 });
    const n2 = rt.calls.indexOf('cut n2 tear=0.4 at-sync=1000');
    expect(n2).toBeGreaterThanOrEqual(0);
    expect(rt.calls.indexOf('kill n2')).toBeGreaterThan(n2); // the power fails first
    expect(rt.calls.indexOf('on n2')).toBeGreaterThan(rt.calls.indexOf('kill n2'));
    expect(rt.calls.indexOf('cut n1 tear=0.4 at-sync=1000')).toBeGreaterThan(rt.calls.indexOf('on n3')); // the leader in turn, last
    expect(rec?.value).toMatchObject({
      target: 'minority-then-leader',
      nodes: ['n2', 'n3', 'n1'],
      leaderCutInTurn: 'n1',
      tear: 0.4,
      unsyncedBytes: 30,
      interruptedBytes: 15,
      down: ['n2', 'n3', 'n1'],
      quorumLost: true,
    });
    expect((rec?.value.lost as Record<string, unknown>).n1).toMatchObject({ unsyncedBytes: 10, syncsInterrupted: 1 });
    expect(nemesis.inForce()).toEqual(['power-cut']);
    const stop = await nemesis.apply({ f: 'stop-power-cut' });
    expect(stop?.value).toMatchObject({ restarted: ['n2', 'n3', 'n1'], running: { n1: true, n2: true, n3: true } });
    expect(nemesis.inForce()).toEqual([]);
  });

  it('brings a cut majority back cut off from the rest until it has a leader of its own, then heals the cut-off', async () => {
    const rt = new DiskFake(5);
    const nemesis = new Nemesis(rt);
    await nemesis.apply({
      f: 'start-power-cut',
      target: 'minority-then-leader',
      nodes: ['n2', 'n3'],
      thenLeader: true,
      gapMs: 0,
      tear: null,
      cutOffRest: true,
    });
    rt.calls.length = 0;
    let rulesWhileBack: string[] = [];
    const start = rt.start.bind(rt);
    rt.start = async (id) => {
      rulesWhileBack = [...rt.rulesOf('n4'), ...rt.rulesOf('n5')];
      return start(id);
    };
    const stop = await nemesis.apply({ f: 'stop-power-cut' });
    // the survivors drop everything from the three cut nodes while these come back
    expect(rulesWhileBack.sort()).toEqual(
      ['n4', 'n5'].flatMap(() => ['10.0.0.11', '10.0.0.12', '10.0.0.13'].map((ip) => `-A FAULTLINE-CUTOFF -s ${ip} -j DROP`)).sort(),
    );
    const cut = stop?.value.cutOffRest as { rest: string[]; rules: Record<string, number>; leaderAlone: string | null };
    expect(cut.rest).toEqual(['n4', 'n5']);
    expect(cut.rules).toEqual({ n4: 3, n5: 3 });
    expect(['n1', 'n2', 'n3']).toContain(cut.leaderAlone);
    // and nothing is left once the stop returns
    expect([...rt.rulesOf('n4'), ...rt.rulesOf('n5')]).toEqual([]);
  });

  it('a node that exits on its own at the cut (a system that dies on EIO) is held down and restarted like a killed one', async () => {
    const rt = new DiskFake(5);
    const nemesis = new Nemesis(rt);
    const kill = rt.kill.bind(rt);
    rt.kill = async (id) => {
      if (id === 'n2') {
        await kill(id); // it exits first: the kill finds it gone
        throw new Error('(HTTP code 409) Cannot kill container: is not running');
      }
      return kill(id);
    };
    const rec = await nemesis.apply({ f: 'start-power-cut', target: 'minority', nodes: ['n2', 'n3'], thenLeader: false, gapMs: 0, tear: null });
    expect(rec?.value).toMatchObject({ nodes: ['n2', 'n3'], down: ['n2', 'n3'] });
    const stop = await nemesis.apply({ f: 'stop-power-cut' });
    expect(stop?.value).toMatchObject({ restarted: ['n2', 'n3'], running: { n2: true, n3: true } });
  });

  it('a cut minority comes back with no cut-off, whatever the action says', async () => {
    const rt = new DiskFake(5);
    const nemesis = new Nemesis(rt);
    const iptables: string[] = [];
    const netns = rt.netns.bind(rt);
    rt.netns = async (pid, argv) => {
      iptables.push(argv.join(' '));
      return netns(pid, argv);
    };
    await nemesis.apply({ f: 'start-power-cut', target: 'minority', nodes: ['n2', 'n3'], thenLeader: false, gapMs: 0, tear: null, cutOffRest: true });
    const stop = await nemesis.apply({ f: 'stop-power-cut' });
    expect(stop?.value).toMatchObject({ restarted: ['n2', 'n3'] });
    expect(stop?.value.cutOffRest).toBeUndefined();
    expect(iptables).toEqual([]);
  });

  it('thaws a frozen node before its kill, does not kill a dead one again; a node stays down while any fault holding it is in force', async () => {
    const rt = new DiskFake(5);
    const nemesis = new Nemesis(rt);
    await nemesis.apply({ f: 'start-pause', target: 'one', nodes: ['n4'] });
    await nemesis.apply({ f: 'start-kill', target: 'one', nodes: ['n5'] });
    rt.calls.length = 0;
    await nemesis.apply({ f: 'start-power-cut', target: 'minority', nodes: ['n4', 'n5'], thenLeader: false, gapMs: 0, tear: null });
    expect(rt.calls).toEqual(expect.arrayContaining(['cut n4 at-sync=1000', 'unpause n4', 'kill n4', 'on n4', 'cut n5 at-sync=1000', 'on n5']));
    expect(rt.calls).not.toContain('kill n5');
    // the kill's stop leaves n5 down: the power cut still holds it
    await nemesis.apply({ f: 'stop-kill' });
    expect(await rt.state('n5')).toMatchObject({ running: false });
    // and a kill of a node the power cut holds down skips it
    const kill = await nemesis.apply({ f: 'start-kill', target: 'one', nodes: ['n4'] });
    expect(kill?.value).toMatchObject({ skipped: ['n4'] });
    expect(((await nemesis.apply({ f: 'stop-power-cut' }))?.value.restarted as string[]).sort()).toEqual(['n4', 'n5']);
    await nemesis.healAll();
    for (const n of rt.nodes) expect(await rt.state(n.id)).toEqual({ running: true, paused: false });
  });

  it('says plainly when the cluster has no power-cut layer', async () => {
    const rt = new FakeRuntime(3);
    await expect(new Nemesis(rt).apply({ f: 'start-power-cut', target: 'leader', nodes: ['n1'], thenLeader: false, gapMs: 0, tear: null })).rejects.toThrow(
      /runtime with data directories/,
    );
  });
});

describe('the corrupt fault', () => {
  it('a node that starts on damaged data keeps it: the record says what changed, byte for byte', async () => {
    const rt = new DiskFake(3);
    const nemesis = new Nemesis(rt);
    const rec = await nemesis.apply({ f: 'start-corrupt', target: 'one', node: 'n2', seed: 7, kinds: ['bitflip'] });
    expect(rt.calls.slice(0, 2)).toEqual(['kill n2', 'start n2']);
    expect(rec?.value).toMatchObject({ node: 'n2', seed: 7, outcome: 'started', corruption: { file: 'wal.log', kind: 'bitflip', sizeBefore: 600 } });
    const flips = (rec?.value.corruption as { flips: { offset: number; after: number }[] }).flips;
    const now = readFileSync(path.join(rt.dataDir('n2'), 'wal.log'));
    for (const f of flips) expect(now[f.offset]).toBe(f.after);
    const stop = await nemesis.apply({ f: 'stop-corrupt' });
    expect(stop?.value).toMatchObject({ repaired: [], keptDamage: ['n2'] });
  });

  it('a node that refuses to start is repaired by the stop (the exact bytes back) and restarted', async () => {
    const rt = new DiskFake(3);
    const nemesis = new Nemesis(rt);
    const original = readFileSync(path.join(rt.dataDir('n1'), 'wal.log'));
    rt.refuseStart.set('n1', 254);
    const rec = await nemesis.apply({ f: 'start-corrupt', target: 'leader', node: 'n1', seed: 3, kinds: ['truncate', 'tail'] });
    expect(rec?.value).toMatchObject({ node: 'n1', outcome: 'refused to start (exit 254)', exitCode: 254 });
    expect(readFileSync(path.join(rt.dataDir('n1'), 'wal.log')).length).toBeLessThan(600);
    expect(nemesis.inForce()).toEqual(['corrupt']);
    // a kill meanwhile does not restart it: it is the corruption's to repair
    await nemesis.apply({ f: 'start-kill', target: 'one', nodes: ['n1'] });
    await nemesis.apply({ f: 'stop-kill' });
    expect(await rt.state('n1')).toMatchObject({ running: false });
    rt.refuseStart.delete('n1');
    const stop = await nemesis.apply({ f: 'stop-corrupt' });
    expect(stop?.value).toMatchObject({ repaired: ['n1'], restarted: ['n1'], running: { n1: true } });
    expect(readFileSync(path.join(rt.dataDir('n1'), 'wal.log')).equals(original)).toBe(true);
  });
});
