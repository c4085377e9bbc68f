import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseScope,
  cpuQuota,
  distribution,
  expectedAddedRtt,
  interfaceWith,
  linksOf,
  mergeSpecs,
  NETEM_DEFAULTS,
  netqArgs,
  netqConfig,
  ourQdiscs,
  ourRules,
  PACKET_FAMILIES,
  packetFaultAction,
  packetFaultInvolves,
  parseNetstat,
  parseQdiscs,
  probePairs,
  queueRule,
  queueSpec,
  rateSpec,
  resolveNetemOptions,
  type Scope,
  sendersByReceiver,
  tbfArgs,
} from '../../nemesis/netem-plan.js';
import { mulberry32 } from '../../src/controller/random.js';
import { UsageError } from '../../src/util/errors.js';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);

describe('netem options', () => {
  it('defaults are valid and a 50 ms ± 10 ms uniform delay', () => {
    const o = resolveNetemOptions();
    expect(o).toEqual(NETEM_DEFAULTS);
    expect([o.delayMs, o.jitterMs, o.distribution]).toEqual([50, 10, 'uniform']);
  });

  it('refuses bad values with an error naming the option', () => {
    const cases: [Partial<typeof NETEM_DEFAULTS>, RegExp][] = [
      [{ delayMs: -1 }, /^--delay must be a number from 0 to 60000; got -1$/],
      [{ delayMs: 0, jitterMs: 0 }, /^--delay must be above 0/],
      [{ distribution: 'pareto' as 'normal' }, /^--delay-distribution must be uniform or normal; got "pareto"$/],
      [{ reorderProbability: 0 }, /^--reorder must be/],
      [{ duplicateProbability: 1.5 }, /^--duplicate must be/],
      [{ rateKbit: 1 }, /^--bandwidth must be a number from 8/],
      [{ cpus: 0.005 }, /^--slow-cpus must be a number from 0.01/],
      [{ cpus: 0.01, cpuPeriodUs: 10_000 }, /^--slow-cpus must be at least 1000 µs of CPU per 10000 µs period/],
      [{ cpuPeriodUs: 1500.5 }, /^cpu period must be an integer/],
      [{ diskWriteIops: 1.5 }, /^--slow-disk-iops must be an integer from 1/],
      [{ probePort: 70_000 }, /^--probe-port must be an integer from 1 to 65535/],
      [{ netqRtPriority: 100 }, /^netq real-time priority must be an integer from 0 to 99/],
    ];
    for (const [given, message] of cases) {
      expect(() => resolveNetemOptions(given)).toThrow(UsageError);
      expect(() => resolveNetemOptions(given)).toThrow(message);
    }
  });

  it('an undefined value keeps the default', () => {
    expect(resolveNetemOptions({ delayMs: undefined, jitterMs: 3 })).toMatchObject({ delayMs: 50, jitterMs: 3 });
  });
});

describe('links and where the queue goes', () => {
  const nodes = ids(4);

  it('a one-way link is one link; both ways two', () => {
    expect(linksOf({ kind: 'link', a: 'n1', b: 'n3', direction: 'one-way' }, nodes)).toEqual([{ from: 'n1', to: 'n3' }]);
    expect(linksOf({ kind: 'link', a: 'n1', b: 'n3', direction: 'both' }, nodes)).toEqual([
      { from: 'n1', to: 'n3' },
      { from: 'n3', to: 'n1' },
    ]);
  });

  it("a node's inbound, outbound and both", () => {
    expect(linksOf({ kind: 'node', node: 'n2', direction: 'inbound' }, nodes).map((l) => `${l.from}>${l.to}`)).toEqual(['n1>n2', 'n3>n2', 'n4>n2']);
    expect(linksOf({ kind: 'node', node: 'n2', direction: 'outbound' }, nodes).map((l) => `${l.from}>${l.to}`)).toEqual(['n2>n1', 'n2>n3', 'n2>n4']);
    expect(linksOf({ kind: 'node', node: 'n2', direction: 'both' }, nodes)).toHaveLength(6);
  });

  it('refuses unknown nodes and a link from a node to itself', () => {
    expect(() => linksOf({ kind: 'link', a: 'n1', b: 'n9', direction: 'both' }, nodes)).toThrow(/unknown node "n9"; nodes are n1, n2, n3, n4/);
    expect(() => linksOf({ kind: 'link', a: 'n1', b: 'n1', direction: 'both' }, nodes)).toThrow(/two different nodes/);
  });

  it('queues sit at the receivers, one rule per sender; probes once per pair', () => {
    const links = linksOf({ kind: 'node', node: 'n2', direction: 'both' }, nodes);
    const r = sendersByReceiver(links);
    expect(Object.fromEntries(r)).toEqual({ n2: ['n1', 'n3', 'n4'], n1: ['n2'], n3: ['n2'], n4: ['n2'] });
    expect(probePairs(links, nodes)).toEqual([
      ['n1', 'n2'],
      ['n2', 'n3'],
      ['n2', 'n4'],
    ]);
  });

  it('the round trip a delay should add: one delayed direction or two', () => {
    const spec = queueSpec('delay', resolveNetemOptions({ delayMs: 50, jitterMs: 10 }));
    const both = linksOf({ kind: 'link', a: 'n1', b: 'n2', direction: 'both' }, nodes);
    expect(expectedAddedRtt(both, 'n1', 'n2', spec)).toEqual({ min: 80, max: 120 });
    expect(expectedAddedRtt(both.slice(0, 1), 'n2', 'n1', spec)).toEqual({ min: 40, max: 60 });
    expect(expectedAddedRtt(both, 'n1', 'n3', spec)).toEqual({ min: 0, max: 0 });
  });

  it('every scope covers at least one link, each between two known nodes, never twice', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
        const rand = mulberry32(seed);
        const scope: Scope = chooseScope(ids(n), rand);
        const links = linksOf(scope, ids(n));
        expect(links.length).toBeGreaterThan(0);
        const keys = links.map((l) => `${l.from}>${l.to}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const l of links) expect(l.from).not.toBe(l.to);
        const senders = [...sendersByReceiver(links).values()].reduce((s, x) => s + x.length, 0);
        expect(senders).toBe(links.length);
      }),
    );
  });

  it('a lone node has no links to fault', () => {
    expect(
      linksOf(
        chooseScope(['n1'], () => 0.3),
        ['n1'],
      ),
    ).toEqual([]);
  });

  it('the leader is the node, or an end of the link, at least half the time', () => {
    const rand = mulberry32(5);
    let hits = 0;
    for (let i = 0; i < 400; i++) {
      const s = chooseScope(ids(5), rand, 'n3');
      if (s.kind === 'node' ? s.node === 'n3' : s.a === 'n3' || s.b === 'n3') hits++;
    }
    expect(hits / 400).toBeGreaterThan(0.5);
  });

  it('an undefined or 0 disk write rate leaves the disk alone', () => {
    expect(resolveNetemOptions({ diskWriteIops: 0 }).diskWriteIops).toBeNull();
  });
});

describe('the daemon, rules and qdisc command lines', () => {
  it('netq gets exactly the parts of the spec in force, in µs', () => {
    const o = resolveNetemOptions({ delayMs: 50, jitterMs: 10 });
    expect(netqArgs(1, queueSpec('delay', o), 42, 999)).toEqual([
      '--queue',
      '1',
      '--seed',
      '42',
      '--delay-us',
      '50000',
      '--jitter-us',
      '10000',
      '--distribution',
      'uniform',
      '--parent',
      '999',
    ]);
    expect(netqArgs(2, queueSpec('duplicate', o), 7)).toEqual(['--queue', '2', '--seed', '7', '--duplicate', '0.2', '--duplicate-gap-us', '5000']);
    expect(netqArgs(3, queueSpec('reorder', o), 2 ** 32 + 5)).toEqual(['--queue', '3', '--seed', '5', '--reorder', '0.25', '--reorder-gap-us', '20000']);
    expect(netqArgs(1, queueSpec('delay', o), 1, undefined, 10).slice(-2)).toEqual(['--rt-priority', '10']);
  });

  it('faults in force together: delays add up, reordering and duplication come from their own fault', () => {
    const o = resolveNetemOptions({ delayMs: 50, jitterMs: 10, distribution: 'normal' });
    const m = mergeSpecs([queueSpec('reorder', o), queueSpec('delay', o), queueSpec('duplicate', o)]);
    expect(m).toEqual({
      delayMs: 50,
      jitterMs: 10,
      distribution: 'normal',
      reorder: { probability: 0.25, gapMs: 20 },
      duplicate: { probability: 0.2, gapMs: 5 },
    });
    expect(mergeSpecs([queueSpec('delay', o), queueSpec('delay', o)]).delayMs).toBe(100);
    expect(mergeSpecs([])).toEqual({ delayMs: 0, jitterMs: 0, distribution: 'uniform', reorder: null, duplicate: null });
  });

  it("netq's table: one line per sender, in µs", () => {
    const o = resolveNetemOptions({ delayMs: 50, jitterMs: 10 });
    const table = netqConfig(
      new Map([
        ['10.0.0.11', mergeSpecs([queueSpec('delay', o), queueSpec('reorder', o)])],
        ['10.0.0.12', queueSpec('duplicate', o)],
      ]),
    );
    expect(table).toBe('10.0.0.11 50000 10000 uniform 0.25 20000 0 0\n10.0.0.12 0 0 uniform 0 0 0.2 5000\n');
  });

  it('the queue rule matches the sender, lets marked copies pass and is bypassed without a daemon', () => {
    expect(queueRule('10.1.2.3', 2).join(' ')).toBe('-s 10.1.2.3 -m mark ! --mark 0x4e5451 -j NFQUEUE --queue-num 2 --queue-bypass');
  });

  it('tbf keeps a bucket of at least 16 KB and 10 ms of the rate', () => {
    expect(rateSpec(1000, 100)).toEqual({ rateKbit: 1000, burstBytes: 16384, latencyMs: 100 });
    expect(rateSpec(100_000, 50).burstBytes).toBe(125_000);
    expect(tbfArgs('eth0', rateSpec(1000, 100)).join(' ')).toBe('qdisc add dev eth0 root tbf rate 1000kbit burst 16384 latency 100ms');
  });

  it('cpu quota: a share of one period, never under the kernel minimum of 1 ms', () => {
    expect(cpuQuota(0.2, 100_000)).toEqual({ CpuPeriod: 100_000, CpuQuota: 20_000 });
    expect(cpuQuota(1.5, 100_000)).toEqual({ CpuPeriod: 100_000, CpuQuota: 150_000 });
    expect(cpuQuota(0.001, 100_000).CpuQuota).toBe(1000);
  });
});

describe('parsers of what the tools list', () => {
  it('tc qdisc show', () => {
    const text = [
      'qdisc noqueue 0: dev lo root refcnt 2 ',
      'qdisc tbf 8001: dev eth0 root refcnt 3 rate 1Mbit burst 16Kb lat 100ms ',
      'qdisc fq_codel 0: dev eth1 parent :1 limit 10240p',
    ].join('\n');
    const qs = parseQdiscs(text);
    expect(qs.map((q) => [q.kind, q.dev, q.root])).toEqual([
      ['noqueue', 'lo', true],
      ['tbf', 'eth0', true],
      ['fq_codel', 'eth1', false],
    ]);
    expect(ourQdiscs(qs).map((q) => q.detail)).toEqual(['refcnt 3 rate 1Mbit burst 16Kb lat 100ms']);
  });

  it('iptables -S: only our chain, its jumps and NFQUEUE rules', () => {
    const text = [
      '-P INPUT ACCEPT',
      '-N FAULTLINE',
      '-N FAULTLINE-NETQ',
      '-A INPUT -j FAULTLINE',
      '-A INPUT -j FAULTLINE-NETQ',
      '-A FAULTLINE -s 10.0.0.2/32 -j DROP',
      '-A FAULTLINE-NETQ -s 10.0.0.2/32 -j NFQUEUE --queue-num 1 --queue-bypass',
    ].join('\n');
    expect(ourRules(text)).toEqual([
      '-N FAULTLINE-NETQ',
      '-A INPUT -j FAULTLINE-NETQ',
      '-A FAULTLINE-NETQ -s 10.0.0.2/32 -j NFQUEUE --queue-num 1 --queue-bypass',
    ]);
  });

  it('ip -o -4 addr show: the interface with an address (without its @peer)', () => {
    const text = [
      '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever',
      '52: eth0@if53    inet 172.31.250.11/24 brd 172.31.250.255 scope global eth0',
    ].join('\n');
    expect(interfaceWith(text, '172.31.250.11')).toBe('eth0');
    expect(interfaceWith(text, '10.0.0.1')).toBeNull();
  });

  it('/proc/net/netstat', () => {
    const text = 'TcpExt: SyncookiesSent TCPOFOQueue\nTcpExt: 0 17\nIpExt: InNoRoutes\nIpExt: 3\n';
    expect(parseNetstat(text)).toEqual({ 'TcpExt.SyncookiesSent': 0, 'TcpExt.TCPOFOQueue': 17, 'IpExt.InNoRoutes': 3 });
  });

  it('distribution: nearest-rank percentiles', () => {
    const d = distribution(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(d).toEqual({ n: 100, min: 1, median: 50, p99: 99, max: 100, mean: 50.5 });
    expect(distribution([])).toBeNull();
    expect(distribution([3])).toMatchObject({ min: 3, median: 3, p99: 3, max: 3 });
  });
});

describe('fault actions', () => {
  it('involve the leader: a link with it at one end, any node scope (every node has a link to it), or the leader among the nodes', () => {
    const q = queueSpec('delay', resolveNetemOptions());
    const a = (scope: Scope) => ({ f: 'start-delay' as const, scope, queue: q, seed: 1 });
    expect(packetFaultInvolves(a({ kind: 'link', a: 'n1', b: 'n2', direction: 'one-way' }), 'n2')).toBe(true);
    expect(packetFaultInvolves(a({ kind: 'link', a: 'n1', b: 'n2', direction: 'both' }), 'n3')).toBe(false);
    expect(packetFaultInvolves(a({ kind: 'node', node: 'n4', direction: 'inbound' }), 'n1')).toBe(true);
    expect(packetFaultInvolves({ f: 'start-slow', nodes: ['n2'], slow: { cpus: 0.2, periodUs: 100_000, diskWriteIops: null, diskWriteBps: null } }, 'n1')).toBe(
      false,
    );
    expect(packetFaultInvolves({ f: 'start-bandwidth', nodes: ['n1', 'n2'], rate: rateSpec(1000, 100) }, 'n1')).toBe(true);
  });

  it('every family starts with its parameters; bandwidth and slow hit a minority', () => {
    const o = resolveNetemOptions();
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(...PACKET_FAMILIES), (n, seed, family) => {
        const a = packetFaultAction(family, o, ids(n), mulberry32(seed));
        expect(a.f).toBe(`start-${family}`);
        if ('nodes' in a) {
          expect(a.nodes.length).toBeGreaterThan(0);
          expect(a.nodes.length).toBeLessThanOrEqual(Math.max(1, Math.floor(n / 2)));
          expect(new Set(a.nodes).size).toBe(a.nodes.length);
        }
        if ('queue' in a) {
          expect(a.seed).toBeGreaterThanOrEqual(0);
          expect(a.seed).toBeLessThan(2 ** 32);
          expect(linksOf(a.scope, ids(n)).length).toBeGreaterThan(0);
          expect(a.queue.delayMs > 0 || a.queue.reorder !== null || a.queue.duplicate !== null).toBe(true);
        }
      }),
    );
  });
});
