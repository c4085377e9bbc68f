import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { InputError } from '../util/errors.js';

/** Sequential reads of a history's bytes (decompressed if it was gzip). */
export interface ByteReader {
  /** fills buf[offset, offset + length) as far as it can; 0 at the end */
  read(buf: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

/** Where a history comes from: a file (plain or gzip) or standard input (`-`). */
export interface HistorySource {
  /** what error messages call it: the path as given, or `stdin` */
  readonly name: string;
  /** a fresh reader from the start (the readers sniff the head, then read it all) */
  open(): Promise<ByteReader>;
}

export const STDIN = '-';

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

function unreadable(name: string, err: unknown, what = 'cannot read the history'): InputError {
  const e = err as NodeJS.ErrnoException;
  return new InputError(name, undefined, `${what} (${e.code ?? e.message})`, { cause: err });
}

/** `-` is standard input; anything else a file. Gzip is recognised by its magic bytes, whatever the name. */
export function historySource(file: string, stdin: NodeJS.ReadableStream = process.stdin): HistorySource {
  return file === STDIN ? stdinSource(stdin) : fileSource(file);
}

function fileSource(file: string): HistorySource {
  return {
    name: file,
    async open() {
      let handle: FileHandle;
      const magic = new Uint8Array(2);
      try {
        handle = await open(file, 'r');
      } catch (err) {
        throw unreadable(file, err);
      }
      try {
        await handle.read(magic, 0, 2, 0);
      } catch (err) {
        await handle.close();
        throw unreadable(file, err);
      }
      if (!isGzip(magic)) return new FileReader(handle, file);
      await handle.close();
      const { createGunzip } = await import('node:zlib'); // only for gzip
      const raw = createReadStream(file);
      const unzip = raw.pipe(createGunzip());
      raw.on('error', (err) => unzip.destroy(err));
      return new StreamReader(unzip, file, () => {
        raw.destroy();
        unzip.destroy();
      });
    },
  };
}

function stdinSource(stdin: NodeJS.ReadableStream): HistorySource {
  // standard input can be read once: keep it (decompressed) for the sniff and the read
  let bytes: Promise<Buffer> | undefined;
  const load = async (): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    } catch (err) {
      throw unreadable('stdin', err);
    }
    const all = Buffer.concat(chunks);
    if (!isGzip(all)) return all;
    const { gunzip } = await import('node:zlib');
    const { promisify } = await import('node:util');
    try {
      return await promisify(gunzip)(all);
    } catch (err) {
      throw unreadable('stdin', err, 'cannot decompress the gzip history');
    }
  };
  return {
    name: 'stdin',
    async open() {
      bytes ??= load();
      return new BufferReader(await bytes);
    },
  };
}

class FileReader implements ByteReader {
  constructor(
    private readonly handle: FileHandle,
    private readonly name: string,
  ) {}

  async read(buf: Uint8Array, offset: number, length: number): Promise<number> {
    try {
      return (await this.handle.read(buf, offset, length, null)).bytesRead;
    } catch (err) {
      throw unreadable(this.name, err);
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

class BufferReader implements ByteReader {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}

  async read(buf: Uint8Array, offset: number, length: number): Promise<number> {
    const n = Math.min(length, this.bytes.length - this.at);
    buf.set(this.bytes.subarray(this.at, this.at + n), offset);
    this.at += n;
    return n;
  }

  async close(): Promise<void> {}
}

/** A stream's chunks (here: gunzip's output) as reads that fill the buffer given. */
class StreamReader implements ByteReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private chunk: Buffer | null = null;
  private at = 0;
  private done = false;

  constructor(
    stream: NodeJS.ReadableStream,
    private readonly name: string,
    private readonly destroy: () => void,
  ) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async read(buf: Uint8Array, offset: number, length: number): Promise<number> {
    let n = 0;
    while (n < length) {
      if (this.chunk === null || this.at >= this.chunk.length) {
        if (this.done) break;
        let next: IteratorResult<Buffer>;
        try {
          next = await this.chunks.next();
        } catch (err) {
          throw unreadable(this.name, err, 'cannot decompress the gzip history');
        }
        if (next.done) {
          this.done = true;
          break;
        }
        this.chunk = next.value;
        this.at = 0;
        continue;
      }
      const take = Math.min(length - n, this.chunk.length - this.at);
      buf.set(this.chunk.subarray(this.at, this.at + take), offset + n);
      this.at += take;
      n += take;
    }
    return n;
  }

  async close(): Promise<void> {
    this.destroy();
  }
}

/** Up to `bytes` bytes from the start of the history. */
export async function readHead(source: HistorySource, bytes: number): Promise<Buffer> {
  const reader = await source.open();
  try {
    const buf = Buffer.allocUnsafe(bytes);
    let filled = 0;
    while (filled < bytes) {
      const n = await reader.read(buf, filled, bytes - filled);
      if (n === 0) break;
      filled += n;
    }
    return buf.subarray(0, filled);
  } finally {
    await reader.close();
  }
}

/** The whole history as text (the EDN and Jepsen log readers parse it at once). */
export async function readText(source: HistorySource): Promise<string> {
  const reader = await source.open();
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const buf = Buffer.allocUnsafe(1 << 20);
      const n = await reader.read(buf, 0, buf.length);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await reader.close();
  }
}
