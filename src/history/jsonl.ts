import { createReadStream, closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../util/errors.js';
import type { Op } from './types.js';
import { opToEdn } from './edn-write.js';
import { toOp } from './validate.js';

const CHUNK = 4 << 20;

/**
 * Streams a history.jsonl file in large chunks and yields validated ops in batches
 * (one async step per chunk, not per op, keeps parsing near JSON.parse speed).
 * Blank lines are skipped; anything else that is not an op map is an InputError.
 */
export async function* readJsonlBatches(file: string): AsyncGenerator<{ ops: Op[]; lines: number[] }> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let line = 0;
  let position = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) {
    const text = carry + decoder.write(chunk as Buffer);
    const ops: Op[] = [];
    const lines: number[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      line++;
      const op = parseLine(text, start, nl, file, line, position);
      if (op) {
        ops.push(op);
        lines.push(line);
        position++;
      }
      start = nl + 1;
    }
    carry = text.slice(start);
    if (ops.length > 0) yield { ops, lines };
  }
  carry += decoder.end();
  if (carry.length > 0) {
    const op = parseLine(carry, 0, carry.length, file, line + 1, position);
    if (op) yield { ops: [op], lines: [line + 1] };
  }
}

function parseLine(text: string, start: number, end: number, file: string, line: number, position: number): Op | null {
  if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF
  if (end === start) return null;
  const s = text.slice(start, end);
  let raw: unknown;
  try {
    raw = JSON.parse(s);
  } catch (err) {
    if (s.trim() === '') return null;
    throw new InputError(file, line, `expected one JSON op map per line (${(err as Error).message})`);
  }
  return toOp(raw, position, file, line);
}

/** One validated op at a time, with the line it came from. */
export async function* readJsonlOps(file: string): AsyncGenerator<{ op: Op; line: number }> {
  for await (const batch of readJsonlBatches(file)) {
    for (let i = 0; i < batch.ops.length; i++) yield { op: batch.ops[i], line: batch.lines[i] };
  }
}

export async function readJsonl(file: string): Promise<{ ops: Op[]; lines: number[] }> {
  const ops: Op[] = [];
  const lines: number[] = [];
  for await (const batch of readJsonlBatches(file)) {
    for (let i = 0; i < batch.ops.length; i++) {
      ops.push(batch.ops[i]);
      lines.push(batch.lines[i]);
    }
  }
  return { ops, lines };
}

export interface HistoryWriterOptions {
  /** 'jsonl' (default) or 'edn' (Jepsen's history.edn, one op map per line) */
  format?: 'jsonl' | 'edn';
}

/**
 * Appends ops to a history file as they happen. Each op is written with one
 * write(2) in call order, so a crashed controller leaves a readable prefix
 * (the kernel keeps what was written); close() fsyncs.
 */
export class HistoryWriter {
  private fd: number | null;
  private count = 0;
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
    writeSync(this.fd, `${this.encode(op)}\n`);
    this.count++;
  }

  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}
