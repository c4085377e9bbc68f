import net from 'node:net';
import type { Message } from '../raft/messages.js';
import type { Member } from './options.js';

const MAX_QUEUED = 4096; // messages held per peer while disconnected; Raft tolerates the loss of more
const MAX_BUFFERED = 8 << 20; // bytes a slow peer's socket may buffer before we drop
const CONNECT_TIMEOUT_MS = 500;

/**
 * Peer transport: one outgoing TCP connection per peer carrying length-prefixed
 * JSON frames, reconnecting with backoff; bounded queues, so one slow or cut-off
 * peer never blocks the others (messages beyond the bounds are dropped).
 */
export class PeerTransport {
  private readonly links = new Map<string, Link>();
  private server: net.Server | null = null;
  dropped = 0;

  constructor(
    private readonly self: string,
    peers: Member[],
    private readonly onMessage: (m: Message) => void,
  ) {
    for (const p of peers) if (p.id !== self) this.links.set(p.id, new Link(p, this));
  }

  listen(host: string, port: number): Promise<void> {
    this.server = net.createServer((socket) => {
      socket.setNoDelay(true);
      readFrames(socket, this.onMessage);
    });
    return new Promise((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
  }

  send(m: Message): void {
    this.links.get(m.to)?.send(m);
  }

  close(): void {
    this.server?.close();
    for (const l of this.links.values()) l.close();
  }
}

class Link {
  private socket: net.Socket | null = null;
  private connected = false;
  private queue: Buffer[] = [];
  private backoff = 50;
  private closed = false;
  private corked = false;

  constructor(
    private readonly peer: Member,
    private readonly transport: PeerTransport,
  ) {
    this.connect();
  }

  send(m: Message): void {
    const frame = encodeFrame(m);
    if (!this.connected || !this.socket) {
      if (this.queue.length >= MAX_QUEUED) {
        this.queue.shift();
        this.transport.dropped++;
      }
      this.queue.push(frame);
      return;
    }
    if (this.socket.writableLength > MAX_BUFFERED) {
      this.transport.dropped++;
      return;
    }
    if (!this.corked) {
      // coalesce the frames of one event-loop turn into one write
      this.corked = true;
      this.socket.cork();
      const s = this.socket;
      process.nextTick(() => {
        this.corked = false;
        s.uncork();
      });
    }
    this.socket.write(frame);
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }

  private connect(): void {
    if (this.closed) return;
    const socket = net.connect({ host: this.peer.host, port: this.peer.peerPort });
    this.socket = socket;
    socket.setNoDelay(true);
    const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      this.connected = true;
      this.backoff = 50;
      const queued = this.queue;
      this.queue = [];
      for (const f of queued) socket.write(f);
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      this.connected = false;
      if (this.socket === socket) this.socket = null;
      if (this.closed) return;
      setTimeout(() => this.connect(), this.backoff).unref();
      this.backoff = Math.min(1000, this.backoff * 2);
    });
  }
}

export function encodeFrame(m: Message): Buffer {
  const body = Buffer.from(JSON.stringify(m), 'utf8');
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/** Splits a byte stream into frames; a malformed frame closes the connection. */
export function readFrames(socket: net.Socket, onMessage: (m: Message) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    let off = 0;
    while (buf.length - off >= 4) {
      const len = buf.readUInt32BE(off);
      if (len > 64 << 20) return socket.destroy();
      if (buf.length - off - 4 < len) break;
      let m: Message;
      try {
        m = JSON.parse(buf.toString('utf8', off + 4, off + 4 + len)) as Message;
      } catch {
        return socket.destroy();
      }
      off += 4 + len;
      onMessage(m);
    }
    buf = off === buf.length ? Buffer.alloc(0) : buf.subarray(off);
  });
  socket.on('error', () => {});
}
