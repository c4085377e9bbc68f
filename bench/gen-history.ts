import { closeSync, openSync, writeSync } from 'node:fs';

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
  let seed = o.seed >>> 0 || 1;
  const rand = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
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
