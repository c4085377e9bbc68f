import type { Socket } from 'node:net';
import { entriesJson } from '../raft/entry-json.js';
import type { Entry } from '../raft/types.js';

/** Largest frame accepted: a snapshot travels in one frame. */
export const MAX_FRAME = 256 << 20;

/** [length u32 BE][JSON utf8]; length 0 is reserved for the transport's ack. */
export function encodeFrame(m: unknown): Buffer {
  const a = m as { type?: unknown; entries?: Entry[] };
  let text: string;
  if (a.type === 'append' && Array.isArray(a.entries) && a.entries.length > 0) {
    // entries' JSON is shared with the WAL and the other followers' appends
    const { entries, ...rest } = a;
    text = `${JSON.stringify(rest).slice(0, -1)},"entries":${entriesJson(entries)}}`;
  } else text = JSON.stringify(m);
  const len = Buffer.byteLength(text, 'utf8');
  const frame = Buffer.allocUnsafe(4 + len);
  frame.writeUInt32BE(len, 0);
  frame.write(text, 4, 'utf8');
  return frame;
}

/**
 * Incremental frame decoder. Chunks are only joined when one frame spans them,
 * and then once, when the whole frame has arrived (no quadratic re-concatenation
 * of a large snapshot frame arriving in 64 KB pieces).
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly onFrame: (m: unknown) => void) {}

  /** Feeds bytes; throws FrameError on a malformed frame (the caller drops the connection). */
  push(chunk: Buffer): void {
    let buf: Buffer;
    if (this.buffered === 0) buf = chunk;
    else {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered < 4) return;
      const need = 4 + this.peekLength();
      if (this.buffered < need) return;
      buf = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
    }
    let off = 0;
    while (buf.length - off >= 4) {
      const len = buf.readUInt32BE(off);
      if (len > MAX_FRAME) throw new FrameError(`frame of ${len} bytes exceeds ${MAX_FRAME}`);
      if (buf.length - off - 4 < len) break;
      if (len > 0) {
        let m: unknown;
        try {
          m = JSON.parse(buf.toString('utf8', off + 4, off + 4 + len));
        } catch {
          throw new FrameError('frame is not JSON');
        }
        off += 4 + len;
        this.onFrame(m);
      } else off += 4;
    }
    if (off < buf.length) {
      this.chunks.push(buf.subarray(off));
      this.buffered = buf.length - off;
    }
  }

  private peekLength(): number {
    const head = this.chunks[0].length >= 4 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const len = head.readUInt32BE(0);
    if (len > MAX_FRAME) throw new FrameError(`frame of ${len} bytes exceeds ${MAX_FRAME}`);
    return len;
  }
}

export class FrameError extends Error {
  readonly code = 'E_FRAME';
}

/** Splits a socket's byte stream into frames; a malformed frame closes the connection. */
export function readFrames(socket: Socket, onMessage: (m: unknown) => void): void {
  const decoder = new FrameDecoder(onMessage);
  socket.on('data', (chunk: Buffer) => {
    try {
      decoder.push(chunk);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err; // a bug in the handler is not the peer's fault
      socket.destroy();
    }
  });
  socket.on('error', () => {});
}
