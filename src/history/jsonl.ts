import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { InputError } from '../util/errors.js';
import { opToEdn } from './edn-write.js';
import { FALLBACK, parseOpBytes } from './json-fast.js';
import { jsonLimitProblem } from './limits.js';
import { type HistorySource, historySource } from './source.js';
import type { Op } from './types.js';
import { toOp } from './validate.js';

const CHUNK = 4 << 20;
/** the first read: a small history (the usual `check` of a short test) needs no 4 MB buffer */
const FIRST_CHUNK = 64 << 10;

/**
 * Streams a history.jsonl file in large chunks and yields validated ops in batches
 * (one async step per chunk, not per op). Lines are parsed from the bytes by a fast
 * path (json-fast.ts) with JSON.parse as the fallback, so results equal JSON.parse's.
 * Blank lines are skipped; anything else that is not an op map is an InputError.
 * `file` is a path (plain or gzip) or a HistorySource (e.g. standard input).
 */
export function readJsonlBatches(file: string | HistorySource): AsyncGenerator<{ ops: Op[]; lines: number[] }> {
  return scan(asSource(file));
}

function asSource(file: string | HistorySource): HistorySource {
  return typeof file === 'string' ? historySource(file) : file;
}

/** With `into`, every chunk's ops go straight into it (no per-chunk arrays to copy). */
async function* scan(source: HistorySource, into?: { ops: Op[]; lines: number[] }): AsyncGenerator<{ ops: Op[]; lines: number[] }> {
  const file = source.name;
  const handle = await source.open();
  try {
    let buf = Buffer.allocUnsafe(FIRST_CHUNK);
    let filled = 0;
    let line = 0;
    let position = 0;
    let eof = false;
    while (!eof) {
      const wanted = buf.length - filled;
      const bytesRead = await handle.read(buf, filled, wanted);
      if (bytesRead === 0) eof = true;
      filled += bytesRead;
      const view = buf.subarray(0, filled);
      const ops: Op[] = into ? into.ops : [];
      const lines: number[] = into ? into.lines : [];
      const before = ops.length;
      let start = line === 0 && view[0] === 0xef && view[1] === 0xbb && view[2] === 0xbf ? 3 : 0; // BOM
      for (;;) {
        let nl = view.indexOf(10, start);
        if (nl === -1) {
          if (!eof || start >= filled) break;
          nl = filled; // last line without a newline
        }
        line++;
        const op = parseLine(view, start, nl, file, line, position);
        if (op !== null) {
          ops.push(op);
          lines.push(line);
          position++;
        }
        start = nl + 1;
      }
      if (start >= filled) filled = 0;
      else if (start > 0) {
        buf.copy(buf, 0, start, filled);
        filled -= start;
      } else if (filled === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2); // a line longer than the buffer
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      if (bytesRead === wanted && buf.length < CHUNK) {
        // more to come: read in large chunks from now on
        const bigger = Buffer.allocUnsafe(CHUNK);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      if (ops.length > before) yield { ops, lines };
    }
  } finally {
    await handle.close();
  }
}

function parseLine(bytes: Uint8Array, start: number, end: number, file: string, line: number, position: number): Op | null {
  let first = start;
  while (first < end && (bytes[first] === 32 || bytes[first] === 9 || bytes[first] === 13)) first++;
  if (first === end) return null;
  let raw = parseOpBytes(bytes, first, end);
  if (raw === FALLBACK) {
    // what JSON.parse would read, but not as written: too deep to handle, or inexact
    const problem = jsonLimitProblem(bytes, first, end);
    if (problem !== null) throw new InputError(file, line, problem);
    try {
      raw = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + first, end - first).toString('utf8'));
    } catch (err) {
      throw new InputError(file, line, `expected one JSON op map per line (${(err as Error).message})`);
    }
  }
  return toOp(raw, position, file, line);
}

/** One validated op at a time, with the line it came from. */
export async function* readJsonlOps(file: string | HistorySource): AsyncGenerator<{ op: Op; line: number }> {
  for await (const batch of readJsonlBatches(file)) {
    for (let i = 0; i < batch.ops.length; i++) yield { op: batch.ops[i], line: batch.lines[i] };
  }
}

export async function readJsonl(file: string | HistorySource): Promise<{ ops: Op[]; lines: number[] }> {
  const into = { ops: [] as Op[], lines: [] as number[] };
  for await (const _ of scan(asSource(file), into)) {
    // scan fills `into`
  }
  return into;
}

export interface HistoryWriterOptions {
  /** 'jsonl' (default) or 'edn' (Jepsen's history.edn, one op map per line) */
  format?: 'jsonl' | 'edn';
}

/**
 * Appends ops to a history file as they happen. Ops appended in one turn of the
 * event loop are written together with one write(2) at the end of that turn (a
 * busy controller records thousands of ops per second); every write holds whole
 * lines, so a crashed controller leaves a readable prefix. close() fsyncs.
 */
export class HistoryWriter {
  private fd: number | null;
  private count = 0;
  private buffer = '';
  private scheduled = false;
  private readonly encode: (op: Op) => string;
  constructor(
    readonly file: string,
    opts: HistoryWriterOptions = {},
  ) {
    this.encode = opts.format === 'edn' ? opToEdn : (op) => JSON.stringify(op);
    this.fd = openSync(file, 'a');
  }

  /** Same as the constructor; reads better at call sites. */
  static open(file: string, opts: HistoryWriterOptions = {}): HistoryWriter {
    return new HistoryWriter(file, opts);
  }

  get written(): number {
    return this.count;
  }

  append(op: Op): void {
    if (this.fd === null) throw new Error(`history ${this.file} is closed`);
    this.buffer += `${this.encode(op)}\n`;
    this.count++;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** writes what was appended so far */
  flush(): void {
    this.scheduled = false;
    if (this.fd === null || this.buffer === '') return;
    writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}
