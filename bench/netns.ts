import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * Network namespaces for the tests and the bench of the network faults, made and removed
 * by whoever asked for them: `n` namespaces, each with one veth into a bridge that lives in a namespace
 * of its own (the "switch"), addresses 10.213.0.11, .12, ... on 10.213.0.0/24. Nothing
 * touches the host's network. A `sleep` in each namespace gives it a pid for nsenter,
 * as a container's main process does.
 */
export interface TestNetns {
  nodes: { id: string; ip: string; pid: number; ns: string }[];
  /** removes the namespaces (and so their links, rules and qdiscs) */
  destroy(): void;
}

const ip = (args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

export function hasNetns(): boolean {
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

/** `tag` names the namespaces (flq<tag>n1, ...): unique per call, as test files may run side by side in one process (worker threads) */
export function makeNetns(n: number, tag = `${process.pid}${randomBytes(3).toString('hex')}`): TestNetns {
  const sw = `flq${tag}sw`;
  const sleepers: ChildProcess[] = [];
  const names: string[] = [];
  const destroy = (): void => {
    for (const s of sleepers) s.kill('SIGKILL');
    for (const ns of [...names, sw]) {
      try {
        ip(['netns', 'del', ns]);
      } catch {
        // already gone
      }
    }
  };
  try {
    ip(['netns', 'add', sw]);
    ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', sw, 'link', 'set', 'br0', 'up']);
    const nodes: TestNetns['nodes'] = [];
    for (let i = 1; i <= n; i++) {
      const ns = `flq${tag}n${i}`;
      names.push(ns);
      ip(['netns', 'add', ns]);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      // created inside the node's namespace, the peer end moved to the switch
      ip(['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p${i}`, 'netns', sw]);
      ip(['-n', sw, 'link', 'set', `p${i}`, 'master', 'br0']);
      ip(['-n', sw, 'link', 'set', `p${i}`, 'up']);
      const addr = `10.213.0.${10 + i}`;
      ip(['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0']);
      ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
      const sleeper = spawn('ip', ['netns', 'exec', ns, 'sleep', 'infinity'], { stdio: 'ignore' });
      sleepers.push(sleeper);
      nodes.push({ id: `n${i}`, ip: addr, pid: sleeper.pid as number, ns });
    }
    return { nodes, destroy };
  } catch (err) {
    destroy();
    throw err;
  }
}
