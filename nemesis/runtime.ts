import type { NodeHealth, SutNode } from '../src/sut/types.js';
import type { CutOptions, CutReport } from './lazyfs.js';

/** What a command run in a node's network namespace printed and how it ended. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Everything the nemesis executor does to a cluster goes through this interface
 * (src/cluster/docker.ts implements it on a real Docker engine; unit tests use a
 * fake), so the plan-to-executor loop and the targeting are tested without Docker,
 * and the Docker tests remain the proof that faults take effect.
 */
export interface NemesisRuntime {
  readonly nodes: readonly SutNode[];
  /** host pid of the node's container (its network namespace); 0 when it is not running */
  pid(id: string): Promise<number>;
  /** SIGKILL */
  kill(id: string): Promise<void>;
  start(id: string): Promise<void>;
  /** the cgroup freezer */
  pause(id: string): Promise<void>;
  unpause(id: string): Promise<void>;
  state(id: string): Promise<{ running: boolean; paused: boolean }>;
  /** when the node's process last started, ms since the epoch */
  startedAt(id: string): Promise<number>;
  /** null: the node did not answer in time */
  health(id: string, timeoutMs?: number): Promise<NodeHealth | null>;
  /** writes the node's libfaketime spec (see nemesis/clock.ts); read by the node within about a second */
  writeClock(id: string, spec: string): void;
  /** runs a host program inside the network namespace of the process `pid` (nsenter -t pid -n) */
  netns(pid: number, argv: readonly string[]): Promise<ExecResult>;
  /** the disk faults' (power-cut, corrupt) view of the nodes' data; absent: they cannot run here */
  readonly disk?: DiskRuntime;
}

/** The power-cut layer over one node's data directory (nemesis/lazyfs.ts). */
export interface PowerLayer {
  /** the power fails: unsynced writes dropped, every I/O fails until powerOn() */
  cut(o: CutOptions): Promise<CutReport>;
  powerOn(): Promise<void>;
}

export interface DiskRuntime {
  /** the node's data directory on the host (its files as the node left them) */
  dataDir(id: string): string;
  /** null: no power-cut layer was mounted for this node (the cluster came up without power-cut) */
  layer(id: string): PowerLayer | null;
  /** the exit code of the node's process once it is not running (a refusal to start: 254 for ours) */
  exitCode(id: string): Promise<number | null>;
  /** where a corruption's removed bytes are kept when too large for the history */
  scratchDir(id: string): string;
}
