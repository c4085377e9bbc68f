import type { Op } from '../history/types.js';

/** A fault in force from `start` to `stop` (ns since test start), from the nemesis's start/stop events. */
export interface FaultWindow {
  /** the fault family: `partition` for `start-partition`/`stop-partition` */
  f: string;
  start: number;
  /** the matching stop's time, or the end of the history if the fault was never stopped */
  stop: number;
  /** false when no stop event closed it (it ran to the end of the history) */
  closed: boolean;
  /** the start event's value (targets, what was applied) */
  value: unknown;
}

function isNemesis(op: Op): boolean {
  return op.process === 'nemesis';
}

/** `start-partition` → ['start', 'partition']; bare `start`/`stop` (older Jepsen nemeses) → family `nemesis`. */
export function splitNemesisF(f: string): { phase: 'start' | 'stop'; family: string } | null {
  const m = /^(start|stop)(?:[-_](.+))?$/.exec(f);
  if (!m) return null;
  return { phase: m[1] as 'start' | 'stop', family: m[2] ?? 'nemesis' };
}

/**
 * Pairs the nemesis's `start-X` events with the next `stop-X` (Jepsen's convention); a stop
 * ends every start of its family still in force (a cascade of kills is undone by one
 * `stop-kill` that restarts them all); a start left open runs to the end of the history. Jepsen records a nemesis op as an invoke then an
 * info completion: the completion is when the fault was in force, so invokes are used only
 * when a history has no nemesis completions at all.
 */
export function faultWindows(ops: readonly Op[]): FaultWindow[] {
  let end = 0;
  let hasCompletion = false;
  for (const op of ops) {
    if (op.time > end) end = op.time;
    if (isNemesis(op) && op.type !== 'invoke') hasCompletion = true;
  }
  const open = new Map<string, Op[]>(); // family → starts not yet stopped, oldest first
  const out: FaultWindow[] = [];
  for (const op of ops) {
    if (!isNemesis(op) || (hasCompletion && op.type === 'invoke')) continue;
    const parsed = splitNemesisF(op.f);
    if (!parsed) continue;
    const queue = open.get(parsed.family) ?? [];
    if (parsed.phase === 'start') {
      queue.push(op);
      open.set(parsed.family, queue);
    } else {
      for (const started of queue.splice(0)) out.push({ f: parsed.family, start: started.time, stop: op.time, closed: true, value: started.value });
    }
  }
  for (const [family, queue] of open) {
    for (const started of queue) out.push({ f: family, start: started.time, stop: end, closed: false, value: started.value });
  }
  return out.sort((a, b) => a.start - b.start || a.f.localeCompare(b.f));
}
