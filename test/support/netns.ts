import { execFileSync } from 'node:child_process';

export { hasNetns, makeNetns, type TestNetns } from '../../bench/netns.js';

/** our rules and qdiscs in a namespace, listed with the plain tools (not the code under test) */
export function leftoversIn(ns: string): { rules: string[]; qdiscs: string[] } {
  const run = (cmd: string[]): string => execFileSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8' });
  return {
    rules: run(['iptables', '-w', '-S'])
      .split('\n')
      .filter((l) => l.includes('FAULTLINE-NETQ') || l.includes('NFQUEUE')),
    qdiscs: run(['tc', 'qdisc', 'show'])
      .split('\n')
      .filter((l) => /qdisc (tbf|netem|htb)/.test(l)),
  };
}
