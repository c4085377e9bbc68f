import { closeSync, openSync, writeSync } from 'node:fs';
import { mulberry32 } from '../src/controller/random.js';
import type { Op, Operation } from '../src/history/types.js';

export interface GenOptions {
  ops: number;
  keys: number;
  clients: number;
  /** fraction of ops whose outcome is unknown (info) */
  infoRate: number;
  seed: number;
}

/**
 * Writes a linearizable independent cas-register history (Jepsen's `[key, value]`
 * form) as history.jsonl: each client runs ops back to back; every op takes effect
 * at a random point inside its interval, and outputs are computed in that order.
 * A client whose op ends info continues as a new process (old + clients).
 */
export function generateHistory(file: string, o: GenOptions): { bytes: number } {
  const rand = xorshift(o.seed);
  const n = o.ops;
  const call = new Float64Array(n);
  const lin = new Float64Array(n);
  const ret = new Float64Array(n);
  const client = new Int32Array(n);
  const key = new Int32Array(n);
  const kind = new Uint8Array(n); // 0 read, 1 write, 2 cas
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const clock = new Float64Array(o.clients);
  for (let i = 0; i < n; i++) {
    const c = i % o.clients;
    client[i] = c;
    call[i] = clock[c];
    lin[i] = call[i] + 1 + Math.floor(rand() * 100);
    ret[i] = lin[i] + 1 + Math.floor(rand() * 100);
    clock[c] = ret[i] + Math.floor(rand() * 10);
    key[i] = Math.floor(rand() * o.keys);
    const r = rand();
    kind[i] = r < 0.5 ? 0 : r < 0.8 ? 1 : 2;
    a[i] = Math.floor(rand() * 5);
    b[i] = Math.floor(rand() * 5);
  }
  // apply in linearization order to find each op's output
  const byLin = new Int32Array(n).map((_, i) => i).sort((x, y) => lin[x] - lin[y]);
  const state = new Int32Array(o.keys).fill(-1); // -1 = null
  const out = new Int32Array(n);
  const casOk = new Uint8Array(n);
  for (const i of byLin) {
    const k = key[i];
    if (kind[i] === 0) out[i] = state[k];
    else if (kind[i] === 1) state[k] = a[i];
    else if (state[k] === a[i]) {
      state[k] = b[i];
      casOk[i] = 1;
    }
  }
  // events in time order; a completion sorts after an invocation at the same time
  const events = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    events[2 * i] = call[i] * 4 * n + 2 * i;
    events[2 * i + 1] = ret[i] * 4 * n + 2 * i + 1;
  }
  const order = new Int32Array(2 * n).map((_, i) => i).sort((x, y) => events[x] - events[y]);
  const generation = new Int32Array(o.clients);
  const info = new Uint8Array(n);
  for (let i = 0; i < n; i++) info[i] = rand() < o.infoRate ? 1 : 0;
  const procOf = new Int32Array(n);
  const fd = openSync(file, 'w');
  let buf = '';
  let bytes = 0;
  let index = 0;
  const val = (v: number): string => (v < 0 ? 'null' : String(v));
  for (const e of order) {
    const i = e >> 1;
    const k = `"k${key[i]}"`;
    const f = kind[i] === 0 ? 'read' : kind[i] === 1 ? 'write' : 'cas';
    const arg = kind[i] === 0 ? 'null' : kind[i] === 1 ? String(a[i]) : `[${a[i]},${b[i]}]`;
    let line: string;
    if ((e & 1) === 0) {
      procOf[i] = client[i] + generation[client[i]] * o.clients;
      line = `{"index":${index},"time":${call[i] * 1000},"type":"invoke","process":${procOf[i]},"f":"${f}","value":[${k},${arg}]}`;
    } else {
      let type = 'ok';
      let value = `[${k},${arg}]`;
      if (info[i]) {
        type = 'info';
        generation[client[i]]++;
      } else if (kind[i] === 0) value = `[${k},${val(out[i])}]`;
      else if (kind[i] === 2 && !casOk[i]) type = 'fail';
      line = `{"index":${index},"time":${ret[i] * 1000},"type":"${type}","process":${procOf[i]},"f":"${f}","value":${value}}`;
    }
    index++;
    buf += `${line}\n`;
    if (buf.length > 1 << 20) {
      bytes += writeSync(fd, buf);
      buf = '';
    }
  }
  bytes += writeSync(fd, buf);
  closeSync(fd);
  return { bytes };
}

export interface ConcurrentRegisterOptions {
  /** clients running ops back to back */
  clients: number;
  /** keys in all; only `keysAtOnce` are in use at a time, so ~clients / keysAtOnce ops overlap per key */
  keys: number;
  keysAtOnce: number;
  /** fractions of reads and of compare-and-sets; the rest are writes (of values unique per key) */
  readRate: number;
  casRate: number;
  /** fraction of ops whose outcome is unknown (info) */
  infoRate: number;
  /** how many reads to make stale (each provably not linearizable); 0 = a linearizable history */
  staleReads?: number;
  seed: number;
}

/**
 * An independent cas-register history ([key, value] form) shaped like a Jepsen
 * register test with many clients: a few keys in use at a time, so ~20 ops
 * overlap on a key; half reads; writes of unique values; cas from a recent value
 * (mostly failing). Every op takes effect at a random point inside its interval
 * and outputs follow that order, so the history is linearizable unless
 * `staleReads` asks for reads that return a value overwritten before they began.
 * Returned as paired operations (ids in invocation order), not a file.
 */
export function generateConcurrentRegister(o: ConcurrentRegisterOptions): Operation[] {
  const rand = xorshift(o.seed);
  const opsPerKey = 120;
  const n = o.keys * opsPerKey;
  interface Gen {
    client: number;
    key: number;
    kind: 0 | 1 | 2; // read, write, cas
    a: number;
    b: number;
    call: number;
    lin: number;
    ret: number;
    info: boolean;
    out: number | null;
    casOk: boolean;
  }
  const clock = new Float64Array(o.clients);
  const generation = new Int32Array(o.clients);
  const nextValue = new Int32Array(o.keys);
  const recent: number[][] = Array.from({ length: o.keys }, () => []);
  const gens: Gen[] = [];
  const group = o.keysAtOnce * opsPerKey;
  for (let i = 0; i < n; i++) {
    const client = i % o.clients;
    const call = clock[client];
    const lin = call + 1 + Math.floor(rand() * 400);
    const ret = lin + 1 + Math.floor(rand() * 400);
    clock[client] = ret + Math.floor(rand() * 20);
    const key = Math.min(o.keys - 1, Math.floor(i / group) * o.keysAtOnce + Math.floor(rand() * o.keysAtOnce));
    const r = rand();
    const kind = r < o.readRate ? 0 : r < o.readRate + o.casRate ? 2 : 1;
    let a = 0;
    let b = 0;
    if (kind === 1) a = ++nextValue[key];
    else if (kind === 2) {
      const seen = recent[key];
      a = seen.length === 0 ? 0 : seen[Math.floor(rand() * seen.length)];
      b = ++nextValue[key];
    }
    if (kind !== 0) {
      recent[key].push(kind === 1 ? a : b);
      if (recent[key].length > 4) recent[key].shift();
    }
    const info = rand() < o.infoRate;
    gens.push({ client: client + generation[client] * o.clients, key, kind, a, b, call, lin, ret, info, out: null, casOk: false });
    if (info) generation[client]++;
  }
  // apply in linearization order for the outputs (an info op takes effect too: it may have)
  const state: (number | null)[] = new Array(o.keys).fill(null);
  for (const g of [...gens].sort((x, y) => x.lin - y.lin)) {
    if (g.kind === 0) g.out = state[g.key];
    else if (g.kind === 1) state[g.key] = g.a;
    else if (state[g.key] === g.a) {
      state[g.key] = g.b;
      g.casOk = true;
    }
  }
  // stale reads: a read returning the value of an ok write w1 when another ok write
  // w2 began after w1 returned and returned before the read began
  let stale = o.staleReads ?? 0;
  for (let tries = 0; stale > 0 && tries < 100 * n; tries++) {
    const r = gens[Math.floor(rand() * n)];
    if (r.kind !== 0 || r.info) continue;
    const writes = gens.filter((g) => g.key === r.key && g.kind === 1 && !g.info && g.ret < r.call);
    const w1 = writes.find((w) => writes.some((w2) => w2.call > w.ret && w2.ret < r.call));
    if (w1 === undefined) continue;
    r.out = w1.a;
    stale--;
  }
  gens.sort((x, y) => x.call - y.call);
  return gens.flatMap((g, id): Operation[] => {
    const k = `k${g.key}`;
    const input = g.kind === 0 ? [k, null] : g.kind === 1 ? [k, g.a] : [k, [g.a, g.b]];
    const outcome = g.info ? 'info' : g.kind === 2 && !g.casOk ? 'fail' : 'ok';
    const output = outcome !== 'ok' ? undefined : g.kind === 0 ? [k, g.out] : input;
    return [
      {
        id,
        process: g.client,
        f: g.kind === 0 ? 'read' : g.kind === 1 ? 'write' : 'cas',
        input,
        output,
        outcome,
        call: g.call,
        ret: g.info ? Infinity : g.ret,
        invokeIndex: -1,
        completeIndex: -1,
      },
    ];
  });
}

export interface SetHistoryOptions {
  /** ops in all (one final read after them) */
  ops: number;
  clients: number;
  /** fraction of reads; the rest are adds of unique elements, as the set workload does */
  readRate: number;
  /** fraction of adds whose outcome is unknown (info); half of them took effect */
  infoRate: number;
  /** fraction of adds that failed (did not happen) */
  failRate: number;
  seed: number;
}

/**
 * A set history shaped like `faultline run --workload set` records under faults:
 * clients back to back, unique adds, reads of the whole set (its elements at the
 * read's linearization point), adds that failed, adds that timed out (info) of
 * which some took effect and show up in later reads, a final read. Linearizable.
 * A client whose op ends info continues as a new process. Returned as operations.
 */
export function generateSetHistory(o: SetHistoryOptions): Operation[] {
  const rand = xorshift(o.seed);
  interface Gen {
    client: number;
    read: boolean;
    element: number;
    call: number;
    lin: number;
    ret: number;
    outcome: 'ok' | 'fail' | 'info';
    /** an info add that took effect */
    applied: boolean;
    out: number[] | null;
  }
  const clock = new Float64Array(o.clients);
  const generation = new Int32Array(o.clients);
  const gens: Gen[] = [];
  let next = 1;
  for (let i = 0; i <= o.ops; i++) {
    const last = i === o.ops; // the final read, after everything
    const client = i % o.clients;
    const call = last ? Math.max(...clock) + 1 : clock[client];
    const lin = call + 1 + Math.floor(rand() * 3000);
    const ret = lin + 1 + Math.floor(rand() * 3000);
    clock[client] = ret + 1 + Math.floor(rand() * 200); // after its completion, never at the same time
    const read = last || rand() < o.readRate;
    const r = rand();
    const outcome = read ? 'ok' : r < o.infoRate ? 'info' : r < o.infoRate + o.failRate ? 'fail' : 'ok';
    gens.push({
      client: client + generation[client] * o.clients,
      read,
      element: read ? 0 : next++,
      call,
      lin,
      ret,
      outcome,
      applied: outcome === 'info' && rand() < 0.5,
      out: null,
    });
    if (outcome === 'info') generation[client]++;
  }
  const present: number[] = [];
  for (const g of [...gens].sort((x, y) => x.lin - y.lin)) {
    if (g.read) g.out = [...present];
    else if (g.outcome === 'ok' || g.applied) present.push(g.element);
  }
  gens.sort((x, y) => x.call - y.call);
  return gens.map(
    (g, id): Operation => ({
      id,
      process: g.client,
      f: g.read ? 'read' : 'add',
      input: g.read ? null : g.element,
      output: g.outcome !== 'ok' ? undefined : g.read ? g.out : g.element,
      outcome: g.outcome,
      call: g.call,
      ret: g.outcome === 'info' ? Infinity : g.ret,
      invokeIndex: -1,
      completeIndex: -1,
    }),
  );
}

/** Operations as history events (invoke at call, completion at ret; info ones complete at the end), for a file. */
export function operationEvents(ops: readonly Operation[]): Record<string, unknown>[] {
  const events: { t: number; completion: boolean; e: Record<string, unknown> }[] = [];
  const end = Math.max(...ops.map((o) => (o.ret === Infinity ? o.call : o.ret))) + 1;
  for (const o of ops) {
    events.push({ t: o.call, completion: false, e: { type: 'invoke', process: o.process, f: o.f, value: o.input } });
    const e: Record<string, unknown> = { type: o.outcome, process: o.process, f: o.f, value: o.outcome === 'ok' ? o.output : o.input };
    events.push({ t: o.ret === Infinity ? end : o.ret, completion: true, e });
  }
  events.sort((a, b) => a.t - b.t || Number(a.completion) - Number(b.completion));
  return events.map((x, index) => ({ index, time: x.t, ...x.e }));
}

/** xorshift32 in [0, 1): fast, seeded, the same stream on every machine */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/**
 * A long run for the report pages: `n` client ops by `processes` workers over about ten
 * minutes, a fault of one of five families every minute, some `info` ops whose worker
 * continues as a new process, and a few never completed.
 */
export function generateLongRun(n = 100_000, processes = 64, seed = 3): Op[] {
  const rand = mulberry32(seed);
  const events: { time: number; type: Op['type']; process: number | string; f: string; value: unknown; error?: string; node?: string }[] = [];
  const perProcess = Math.ceil(n / processes);
  const span = 600e9;
  const families = ['partition', 'kill', 'pause', 'clock', 'loss'];
  for (let i = 0; i < 10; i++) {
    const f = families[i % families.length];
    const start = (i + 0.3) * 60e9;
    events.push({ time: start, type: 'info', process: 'nemesis', f: `start-${f}`, value: { nodes: [`n${1 + (i % 5)}`] } });
    events.push({ time: start + 20e9 + rand() * 10e9, type: 'info', process: 'nemesis', f: `stop-${f}`, value: null });
  }
  let made = 0;
  for (let w = 0; w < processes && made < n; w++) {
    let p = w;
    let t = rand() * 50 * 1e6;
    for (let k = 0; k < perProcess && made < n; k++, made++) {
      const f = rand() < 0.5 ? 'read' : rand() < 0.6 ? 'write' : 'cas';
      const key = `k${Math.floor(t / 1e9)}`;
      const latency = (1 + rand() * 6) * 1e6 * (rand() < 0.01 ? 50 : 1);
      const r = rand();
      const type: Op['type'] = r < 0.01 ? 'info' : f === 'cas' && r < 0.3 ? 'fail' : 'ok';
      const v = Math.floor(rand() * 1000);
      events.push({ time: t, type: 'invoke', process: p, f, value: [key, f === 'read' ? null : f === 'cas' ? [v, v + 1] : v] });
      if (k === perProcess - 1 && w % 16 === 0) continue; // never completed
      events.push({
        time: t + latency,
        type,
        process: p,
        f,
        value: [key, f === 'read' ? v : f === 'cas' ? [v, v + 1] : v],
        ...(type === 'fail' ? { error: 'precondition-failed' } : {}),
        node: `n${1 + (p % 5)}`,
      });
      if (type === 'info') p += processes;
      t += latency + (span / perProcess) * (0.5 + rand());
    }
  }
  events.sort((a, b) => a.time - b.time);
  return events.map((e, index) => ({ ...e, index }) as Op);
}
