import type { ExecResult, NemesisRuntime } from '../../nemesis/runtime.js';
import { mulberry32 } from '../../src/controller/random.js';
import type { NodeHealth, SutNode } from '../../src/sut/types.js';

interface FakeNode {
  running: boolean;
  paused: boolean;
  pid: number;
  startedAt: number;
  /** chains of the node's current network namespace: name → rules ("-A CHAIN ...") */
  chains: Map<string, string[]>;
  /** the offset (seconds) its clock spec says */
  offset: number;
}

/**
 * A cluster for the nemesis executor's unit tests: containers with a running/paused
 * state, a pid that changes on every restart (a new network namespace, empty of
 * rules), a small iptables that keeps chains per namespace, libfaketime offsets read
 * back through health, and a leader. Every call is logged.
 */
export class FakeRuntime implements NemesisRuntime {
  readonly nodes: SutNode[];
  readonly calls: string[] = [];
  leader: string | null;
  private term = 1;
  /** nodes whose process exits at once when started (a system refusing its data directory), with this exit code */
  readonly refuseStart = new Map<string, number>();
  readonly exitCodes = new Map<string, number>();
  private readonly byId = new Map<string, FakeNode>();
  private nextPid = 100;

  constructor(n = 5) {
    this.nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i + 1}`, ip: `10.0.0.${11 + i}` }));
    for (const node of this.nodes)
      this.byId.set(node.id, { running: true, paused: false, pid: this.nextPid++, startedAt: Date.now(), chains: new Map(), offset: 0 });
    this.leader = 'n1';
  }

  private s(id: string): FakeNode {
    const x = this.byId.get(id);
    if (!x) throw new Error(`no node ${id}`);
    return x;
  }

  containerName(id: string): string {
    return `fake-${id}`;
  }

  dataDir(id: string): string {
    return `/nonexistent/${id}/data`;
  }

  async pid(id: string): Promise<number> {
    return this.s(id).running ? this.s(id).pid : 0;
  }

  async kill(id: string): Promise<void> {
    this.calls.push(`kill ${id}`);
    const s = this.s(id);
    if (s.paused) throw new Error(`cannot kill ${id}: paused`);
    if (!s.running) throw new Error(`cannot kill ${id}: not running`);
    s.running = false;
    if (this.leader === id) this.leader = null;
  }

  async start(id: string): Promise<void> {
    this.calls.push(`start ${id}`);
    const s = this.s(id);
    if (s.running) return;
    const refuse = this.refuseStart.get(id);
    if (refuse !== undefined) {
      this.exitCodes.set(id, refuse);
      return;
    }
    Object.assign(s, { running: true, pid: this.nextPid++, startedAt: Date.now(), chains: new Map() });
  }

  async pause(id: string): Promise<void> {
    this.calls.push(`pause ${id}`);
    const s = this.s(id);
    if (!s.running || s.paused) throw new Error(`cannot pause ${id}`);
    s.paused = true;
  }

  async unpause(id: string): Promise<void> {
    this.calls.push(`unpause ${id}`);
    const s = this.s(id);
    if (!s.paused) throw new Error(`cannot unpause ${id}: not paused`);
    s.paused = false;
  }

  async state(id: string): Promise<{ running: boolean; paused: boolean }> {
    const { running, paused } = this.s(id);
    return { running, paused };
  }

  async startedAt(id: string): Promise<number> {
    return this.s(id).startedAt;
  }

  async health(id: string): Promise<NodeHealth | null> {
    const s = this.s(id);
    if (!s.running || s.paused) return null;
    // a leader that is dead, frozen or cut off from a majority is replaced by the first node that can lead, in a new term
    const drops = (x: string): number => ['FAULTLINE-PART', 'FAULTLINE-CUTOFF'].reduce((k, c) => k + (this.s(x).chains.get(c) ?? []).length, 0);
    const cutOff = (x: string): boolean => drops(x) >= Math.ceil(this.nodes.length / 2);
    const up = (x: string): boolean => this.s(x).running && !this.s(x).paused && !cutOff(x);
    if (this.leader === null || !up(this.leader)) {
      this.leader = this.nodes.map((n) => n.id).find(up) ?? null;
      this.term++;
    }
    return {
      id,
      role: this.leader === id ? 'leader' : 'follower',
      term: this.term,
      leader: this.leader,
      commitIndex: 10,
      appliedIndex: 10,
      now: Date.now() + s.offset * 1000,
    };
  }

  writeClock(id: string, spec: string): void {
    this.calls.push(`clock ${id} ${spec.trim()}`);
    this.s(id).offset = Number(spec.trim().split(' ')[0]);
  }

  /** the rules of a node's namespace now (all our chains) */
  rulesOf(id: string): string[] {
    return [...this.s(id).chains.values()].flat();
  }

  /** a tiny iptables: -N, -C/-I for the hook jumps, -A, -F, -S on our chains */
  async netns(pid: number, argv: readonly string[]): Promise<ExecResult> {
    const node = [...this.byId.values()].find((s) => s.pid === pid && s.running);
    if (!node) return { exitCode: 1, stdout: '', stderr: `nsenter: no process ${pid}` };
    if (argv[0] !== 'iptables') return { exitCode: 127, stdout: '', stderr: `${argv[0]}: not found` };
    const args = argv.filter((a) => a !== '-w').slice(1);
    const [op, chain] = args;
    const ok = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '' });
    const no = (stderr: string): ExecResult => ({ exitCode: 1, stdout: '', stderr });
    switch (op) {
      case '-N':
        if (node.chains.has(chain)) return no('Chain already exists.');
        node.chains.set(chain, []);
        return ok();
      case '-C':
        return node.chains.has(`jump:${chain}:${args[3]}`) ? ok() : no('Bad rule');
      case '-I':
        node.chains.set(`jump:${chain}:${args[3]}`, []);
        return ok();
      case '-A':
        if (!node.chains.has(chain)) return no(`Couldn't load target ${chain}`);
        node.chains.get(chain)?.push(args.join(' '));
        return ok();
      case '-F':
        if (!node.chains.has(chain)) return no('No chain');
        node.chains.set(chain, []);
        return ok();
      case '-S':
        if (!node.chains.has(chain)) return no('No chain');
        return ok([`-N ${chain}`, ...(node.chains.get(chain) ?? [])].join('\n'));
      default:
        return no(`unsupported ${op}`);
    }
  }
}

export const seeded = (seed: number): (() => number) => mulberry32(seed);
