/**
 * A stand-in controller for the teardown tests (test/nemesis/teardown.test.ts): applies
 * packet faults to the namespaces given as JSON on argv and, like `faultline run`,
 * heals them on SIGINT or SIGTERM before it exits (2, an interrupted run). It prints
 * "helper <pid>" for each helper process and "started <f>" after each fault.
 */

import type { PacketFaultAction } from '../../nemesis/netem-plan.js';
import { queueSpec, rateSpec, resolveNetemOptions } from '../../nemesis/netem-plan.js';
import { HELPERS } from '../../nemesis/netns.js';
import { type NetNode, PacketFaults } from '../../nemesis/packet-faults.js';

const nodes = JSON.parse(process.argv[2]) as { id: string; ip: string; pid: number }[];
const o = resolveNetemOptions();
const lookup = async (id: string): Promise<NetNode> => {
  const n = nodes.find((x) => x.id === id) as (typeof nodes)[number];
  return { id, ip: n.ip, pid: n.pid, container: '', dataDir: '' };
};
const faults = new PacketFaults(
  nodes.map((n) => n.id),
  lookup,
  o,
);

const onSignal = (): void => {
  void faults.healAll().then(() => process.exit(2));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const actions: PacketFaultAction[] = [
  { f: 'start-delay', scope: { kind: 'link', a: 'n1', b: 'n2', direction: 'both' }, queue: queueSpec('delay', o), seed: 1 },
  { f: 'start-bandwidth', nodes: ['n1', 'n3'], rate: rateSpec(1000, 100) },
  { f: 'start-reorder', scope: { kind: 'link', a: 'n3', b: 'n4', direction: 'one-way' }, queue: queueSpec('reorder', o), seed: 2 },
  { f: 'start-duplicate', scope: { kind: 'link', a: 'n4', b: 'n3', direction: 'one-way' }, queue: queueSpec('duplicate', o), seed: 3 },
];
const seen = new Set<number>();
for (const a of actions) {
  await faults.apply(a);
  for (const h of HELPERS) {
    if (h.pid && !seen.has(h.pid)) {
      seen.add(h.pid);
      console.log(`helper ${h.pid}`);
    }
  }
  console.log(`started ${a.f}`);
}
console.log('all started');
setInterval(() => {}, 1 << 30); // wait for a signal
