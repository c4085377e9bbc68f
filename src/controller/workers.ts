import type { GenContext, Generator } from '../../workloads/generator.js';
import { PENDING } from '../../workloads/generator.js';
import type { Completion, SutNode, WorkloadClient } from '../sut/types.js';
import type { Recorder } from './recorder.js';

export interface WorkerPool {
  concurrency: number;
  /** every node: a process talks to node `process mod nodes` first */
  nodes: readonly SutNode[];
  /** the system under test's client for this workload */
  client: WorkloadClient;
  recorder: Recorder;
  rand: () => number;
  /** the workers' current process ids, by thread; advanced when an op ends `info` */
  processes: number[];
  /** ms since the load started, for generator contexts */
  clock: () => number;
  /** set to stop taking new ops (SIGINT, SIGTERM) */
  stopped: () => boolean;
}

export function workerPool(o: Omit<WorkerPool, 'processes'>): WorkerPool {
  return { ...o, processes: Array.from({ length: o.concurrency }, (_, i) => i) };
}

/**
 * Runs one phase: `concurrency` workers pull ops from `gen` until it is exhausted
 * (or the run is stopped), each op recorded on invocation and on completion. A
 * process whose op ended `info` may still have it in flight, so it never invokes
 * again: the worker carries on as process `old + concurrency` (Jepsen's rule).
 */
export async function runPhase(pool: WorkerPool, gen: Generator): Promise<void> {
  await Promise.all(pool.processes.map((_, thread) => worker(pool, gen, thread)));
}

async function worker(p: WorkerPool, gen: Generator, thread: number): Promise<void> {
  const seqs = new Map<number, number>();
  while (!p.stopped()) {
    const process = p.processes[thread];
    const ctx: GenContext = { time: p.clock(), thread, process, rand: p.rand };
    const op = gen.next(ctx);
    if (op === null) return;
    if (op === PENDING) {
      await sleep(5);
      continue;
    }
    if (op.at !== undefined) await sleepWhile(op.at - p.clock(), p);
    if (p.stopped()) return;
    const seq = (seqs.get(process) ?? 0) + 1;
    seqs.set(process, seq);
    const node = p.nodes[process % p.nodes.length];
    p.recorder.record({ type: 'invoke', process, f: op.f, value: op.value });
    let done: Completion;
    try {
      done = await p.client.invoke({ node, process, seq }, op);
    } catch (err) {
      // an adapter that throws has not said what happened: the op may have taken effect
      done = { type: 'info', error: `client error: ${(err as Error).message}` };
    }
    // `node`: which node answered, so an anomaly can be traced to the node that served it
    if (done.type === 'ok') p.recorder.record({ type: 'ok', process, f: op.f, value: done.value, ...(done.node ? { node: done.node } : {}) });
    else p.recorder.record({ type: done.type, process, f: op.f, value: op.value, error: done.error, ...(done.node ? { node: done.node } : {}) });
    gen.update?.({ thread, type: done.type, f: op.f });
    if (done.type === 'info') p.processes[thread] = process + p.concurrency;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** sleeps `ms`, in short naps so a stop (SIGINT) is noticed within 100 ms */
export async function sleepWhile(ms: number, o: { stopped: () => boolean }): Promise<void> {
  const end = Date.now() + ms;
  while (!o.stopped() && Date.now() < end) await sleep(Math.min(100, end - Date.now()));
}
