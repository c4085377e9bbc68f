import { generateLongRun } from '../../bench/gen-history.js';
import type { LinearizabilityResult, OpSummary } from '../../checkers/linearizability/types.js';
import type { Op } from '../../src/history/types.js';
import { prng } from './histories.js';

const MS = 1e6;

function sum(id: number, process: number, f: string, input: unknown, output: unknown, call: number, ret: number | null, description: string): OpSummary {
  return {
    id,
    process,
    f,
    input,
    output,
    outcome: ret === null ? 'info' : 'ok',
    call: call * MS,
    ret: ret === null ? null : ret * MS,
    invokeIndex: id * 2,
    completeIndex: ret === null ? -1 : id * 2 + 1,
    description,
  };
}

/**
 * A hand-built invalid cas-register history: after write(2) completed, process 2 reads 1.
 * Process 3's cas(2, 3) never returned (info). `evil` is put into a value to test escaping.
 */
export function invalidRegisterSample(evil = '2'): LinearizabilityResult {
  const ops = [
    sum(0, 0, 'write', 1, undefined, 0, 10, 'write(1)'),
    sum(1, 3, 'read', null, null, 2, 6, 'read() → null'),
    sum(2, 1, 'write', evil, undefined, 20, 30, `write(${evil})`),
    sum(3, 3, 'cas', [2, 3], undefined, 25, null, 'cas(2, 3) (info)'),
    sum(4, 2, 'read', null, 1, 40, 50, 'read() → 1'),
    sum(5, 0, 'read', null, 2, 45, 55, 'read() → 2'),
    sum(6, 1, 'write', 4, undefined, 60, 70, 'write(4)'),
  ];
  const [w1, r0, w2, cas, stale, r2] = ops;
  return {
    valid: false,
    model: 'cas-register',
    ops: ops.length,
    partitions: 1,
    elapsedMs: 0.4,
    partitionResults: [{ key: null, valid: false, ops: ops.length, elapsedMs: 0.4 }],
    partitionOps: ops,
    anomaly: {
      key: null,
      op: stale,
      prefix: [r0, w1, w2, r2, cas],
      state: '3',
      concurrent: [cas, r2],
      linearizations: [
        { order: [1, 0, 2, 5, 3], state: '3', states: ['null', '1', evil, evil, '3'] },
        { order: [1, 0, 2, 5], state: evil, states: ['null', '1', evil, evil] },
      ],
      reason: 'read() → 1 is not possible in state 3, and no other order of the operations concurrent with it reaches a state where it is',
    },
  };
}

/**
 * A 60 s client history of 5 processes against a cluster, with a partition from 15 s to 30 s,
 * a kill from 40 s never stopped, slower ops and some fail/info while faults are in force.
 */
export function perfSample(seed = 7): Op[] {
  const rand = prng(seed);
  const events: Omit<Op, 'index'>[] = [];
  const faults = [
    { f: 'partition', start: 15e9, stop: 30e9, value: { n1: ['n3', 'n4', 'n5'] } },
    { f: 'kill', start: 40e9, stop: Infinity, value: ['n2'] },
  ];
  for (const w of faults) {
    events.push({ time: w.start, type: 'info', process: 'nemesis', f: `start-${w.f}`, value: w.value });
    if (w.stop !== Infinity) events.push({ time: w.stop, type: 'info', process: 'nemesis', f: `stop-${w.f}`, value: null });
  }
  for (let p = 0; p < 5; p++) {
    let t = rand() * 50 * MS;
    while (t < 60e9) {
      const faulty = faults.some((w) => t >= w.start && t < w.stop);
      const f = rand() < 0.5 ? 'read' : rand() < 0.5 ? 'write' : 'cas';
      let latency = (2 + rand() * 8) * MS * (rand() < 0.02 ? 20 : 1);
      let type: Op['type'] = f === 'cas' && rand() < 0.3 ? 'fail' : 'ok';
      if (faulty && rand() < 0.3) latency *= 30;
      if (faulty && rand() < 0.04) {
        type = 'info';
        latency = 1000 * MS;
      }
      const v = Math.floor(rand() * 5);
      const input = f === 'read' ? null : f === 'write' ? v : [v, (v + 1) % 5];
      events.push({ time: t, type: 'invoke', process: p, f, value: input });
      events.push({ time: t + latency, type, process: p, f, value: f === 'read' && type === 'ok' ? v : input });
      t += latency + rand() * 20 * MS;
    }
  }
  events.sort((a, b) => a.time - b.time);
  return events.map((e, index) => ({ ...e, index }) as Op);
}

/** A long run of `n` client ops by `processes` workers over about ten minutes (bench/gen-history.ts). */
export const largeRunSample = (n = 100_000, processes = 64, seed = 3): Op[] => generateLongRun(n, processes, seed);
