import { UsageError } from '../src/util/errors.js';

/**
 * Fault families (`--nemesis`): each starts and stops as one flip-flop.
 * - partition: iptables grudges between nodes; loss: random packet drops between peers;
 * - kill: SIGKILL and restart; pause: the cgroup freezer;
 * - clock: libfaketime offsets, strobes, drift, and the lease breaker;
 * - delay, duplicate, reorder: our packet queue (netq, on NFQUEUE: this kernel has no tc netem);
 * - bandwidth: tc tbf on a node's interface; slow: a node's CPU quota and disk write rate.
 */
export type FaultFamily = 'partition' | 'loss' | 'kill' | 'pause' | 'clock' | 'delay' | 'duplicate' | 'reorder' | 'bandwidth' | 'slow';
export const FAMILIES: readonly FaultFamily[] = ['partition', 'loss', 'kill', 'pause', 'clock', 'delay', 'duplicate', 'reorder', 'bandwidth', 'slow'];

/** contracts.md §3 names these; they are refused with this reason until they exist */
const NOT_BUILT: Record<string, string> = {
  'power-cut': 'not built yet',
  corrupt: 'not built yet',
};

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
    if (NOT_BUILT[f]) throw new UsageError(`--nemesis ${f}: ${NOT_BUILT[f]}; available: ${FAMILIES.join(', ')}`);
    if (!(FAMILIES as readonly string[]).includes(f)) throw new UsageError(`--nemesis: unknown fault family ${JSON.stringify(f)}; expected ${FAMILIES.join(', ')}, all or none`);
    const why = unsupported[f as FaultFamily];
    if (why !== undefined) throw new UsageError(`--nemesis ${f} does not apply to ${sut}: ${why}`);
    if (!out.includes(f as FaultFamily)) out.push(f as FaultFamily);
  }
  return out;
}
