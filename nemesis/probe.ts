import { execa } from 'execa';
import { nativeBinary } from './native.js';
import { Helper, inNetns } from './netns.js';

/**
 * Measurements from inside nodes' network namespaces with netq-probe (plain TCP:
 * no ICMP, nothing in the node image): round trips, request/response rate and
 * bandwidth to a probe server in the peer's namespace, and fsync latency in a
 * container's block-I/O cgroup.
 */
const probeBin = (): string => nativeBinary('netq-probe');

async function run<T>(pid: number, args: string[], timeoutMs: number): Promise<T> {
  const out = await inNetns(pid, probeBin(), args, { timeoutMs: timeoutMs + 5000 }).catch((err: Error) => {
    // the probe prints {"error": ...} and exits 1: keep its message
    const m = /\{"error":"([^"]*)"\}/.exec(err.message);
    throw new Error(m ? `probe ${args[0]} from netns of pid ${pid}: ${m[1]}` : err.message);
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '') as T;
}

/** a probe server (echo and sink) in the namespace of `pid` */
export const startProbeServer = (pid: number, port: number): Promise<Helper> => Helper.start(pid, probeBin(), ['serve', String(port)], 'netq-probe serve');

export interface RoundTrips {
  /** TCP connect (SYN, SYN-ACK), ms */
  connectMs: number;
  /** one-byte request/response round trips on one connection, ms */
  samplesMs: number[];
}

export async function roundTrips(pid: number, ip: string, port: number, count: number, timeoutMs = 10_000): Promise<RoundTrips> {
  const r = await run<{ connectUs: number; samplesUs: number[] }>(pid, ['rtt', ip, String(port), String(count), String(timeoutMs)], timeoutMs);
  return { connectMs: r.connectUs / 1000, samplesMs: r.samplesUs.map((u) => u / 1000) };
}

/** back-to-back one-byte round trips for `ms`: requests answered per second */
export async function requestRate(pid: number, ip: string, port: number, ms: number): Promise<number> {
  const r = await run<{ count: number; elapsedUs: number }>(pid, ['rr', ip, String(port), String(ms), String(ms + 10_000)], ms + 10_000);
  return r.count / (r.elapsedUs / 1e6);
}

/**
 * sends for `ms` (at most `maxBytes`); bits per second that arrived, until the receiver's
 * count came back. `timeoutMs` bounds the connect and each read or write (a partitioned peer).
 */
export async function bandwidth(
  pid: number,
  ip: string,
  port: number,
  ms: number,
  maxBytes?: number,
  timeoutMs = ms + 20_000,
): Promise<{ bytes: number; bitsPerSecond: number }> {
  const args = ['bw', ip, String(port), String(ms), String(timeoutMs), ...(maxBytes ? [String(maxBytes)] : [])];
  const r = await run<{ bytes: number; elapsedUs: number }>(pid, args, ms + timeoutMs);
  return { bytes: r.bytes, bitsPerSecond: (r.bytes * 8) / (r.elapsedUs / 1e6) };
}

/**
 * `count` 4 KB writes each followed by fdatasync, in `dir`, from a process placed in the
 * cgroup whose `cgroup.procs` is `procs` (a container's: its disk limits apply); ms each.
 * Runs on the host (the disk is the host's): no namespace needed.
 */
export async function fsyncLatency(dir: string, count: number, procs: string | null): Promise<number[]> {
  const r = await execa(probeBin(), ['disk', dir, String(count), procs ?? '-'], { reject: false, timeout: 120_000 });
  if (r.exitCode !== 0) throw new Error(`disk probe in ${dir} failed: ${(r.stdout || r.stderr).trim()}`);
  return (JSON.parse(r.stdout.trim()) as { samplesUs: number[] }).samplesUs.map((u) => u / 1000);
}

/** `/proc/net/netstat` of the namespace (TCP's own view: duplicates seen, out-of-order queueing) */
export const netstat = (pid: number): Promise<string> => inNetns(pid, 'cat', ['/proc/net/netstat']);
