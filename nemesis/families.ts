import { UsageError } from '../src/util/errors.js';

/**
 * Fault families (`--nemesis`): each starts and stops as one flip-flop.
 * - partition: iptables grudges between nodes; loss: random packet drops between peers;
 * - kill: SIGKILL and restart; pause: the cgroup freezer;
 * - clock: libfaketime offsets, strobes, drift, and the lease breaker;
 * - delay, duplicate, reorder: our packet queue (netq, on NFQUEUE: this kernel has no tc netem);
 * - bandwidth: tc tbf on a node's interface; slow: a node's CPU quota and disk write rate;
 * - power-cut: a node loses every write it had not fsynced (faultline-lazyfs under its
 *   data directory), then restarts; a minority and then the leader, most often;
 * - corrupt: a stopped node's data file gets bit flips, a truncation or a lost tail,
 *   then it restarts; the stop repairs a node that refused to start.
 */
export type FaultFamily =
  | 'partition'
  | 'loss'
  | 'kill'
  | 'pause'
  | 'clock'
  | 'delay'
  | 'duplicate'
  | 'reorder'
  | 'bandwidth'
  | 'slow'
  | 'power-cut'
  | 'corrupt';
export const FAMILIES: readonly FaultFamily[] = [
  'partition',
  'loss',
  'kill',
  'pause',
  'clock',
  'delay',
  'duplicate',
  'reorder',
  'bandwidth',
  'slow',
  'power-cut',
  'corrupt',
];

/**
 * `--nemesis`: a comma-separated list of families, `all` (every family the system
 * under test supports) or `none`. A family that does not apply to the system is
 * refused with its reason, never skipped silently.
 */
export function parseFamilies(spec: string, unsupported: Partial<Record<FaultFamily, string>> = {}, sut = 'the system under test'): FaultFamily[] {
  if (spec === 'none' || spec === '') return [];
  if (spec === 'all') return FAMILIES.filter((f) => unsupported[f] === undefined);
  const out: FaultFamily[] = [];
  for (const raw of spec.split(',')) {
    const f = raw.trim();
    if (!(FAMILIES as readonly string[]).includes(f))
      throw new UsageError(`--nemesis: unknown fault family ${JSON.stringify(f)}; expected ${FAMILIES.join(', ')}, all or none`);
    const why = unsupported[f as FaultFamily];
    if (why !== undefined) throw new UsageError(`--nemesis ${f} does not apply to ${sut}: ${why}`);
    if (!out.includes(f as FaultFamily)) out.push(f as FaultFamily);
  }
  return out;
}
