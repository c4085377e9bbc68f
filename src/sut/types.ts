/**
 * The harness's one view of a system under test (SUT). The controller, the cluster
 * runtime and the nemesis see a system only through this adapter: how its image is
 * made, how each node starts, how to read a node's health and who leads, how each
 * workload op is performed and how its errors sort into `fail` and `info`, which
 * fault families apply, and what to collect after a run. Adapters live in
 * src/sut/<name>/ and talk to the system over its own wire protocol; they import
 * none of its code (our own node's code lives apart in systems/exchange/).
 */
import type { FaultFamily } from '../../nemesis/families.js';
import type { Workload } from '../../workloads/workload.js';

/** A node of the cluster as the runtime placed it. */
export interface SutNode {
  id: string;
  ip: string;
}

/** What a node says of itself, in Raft's terms (null fields: the system does not say). */
export interface NodeHealth {
  id: string;
  role: 'leader' | 'follower' | 'candidate' | 'pre-candidate' | 'learner' | 'unknown';
  term: number;
  /** the node id it believes leads, if any */
  leader: string | null;
  commitIndex: number;
  appliedIndex: number;
  /** the node's wall clock, ms since the epoch, when the system reports it (clock faults measure skew with it) */
  now?: number;
}

/** The offline image: a root filesystem of host files, imported with `docker import`. */
export interface ImageSpec {
  /** image repository, e.g. faultline-node; the tag is the content hash of the files */
  repo: string;
  /** [path in image, path on host] */
  files: [string, string][];
  /** files written into the image: [path in image, content] */
  extra?: [string, string][];
  /** empty directories to create */
  dirs?: string[];
  entrypoint: string[];
}

/** How one node process starts, given the cluster's addresses. */
export interface NodeLaunch {
  cmd: string[];
  env: Record<string, string>;
}

/** How an op ended, in Jepsen's terms; `node` names the node that answered, when known. */
export type Completion =
  | { type: 'ok'; value: unknown; node?: string }
  | { type: 'fail'; error: string; node?: string }
  | { type: 'info'; error: string; node?: string };

/** The op a client performs, and who performs it. */
export interface OpContext {
  /** the node this process talks to first */
  node: SutNode;
  /** the Jepsen process performing it */
  process: number;
  /** the process's op sequence number (1, 2, ...): client sessions dedupe retries by it */
  seq: number;
}

/** Performs one workload's ops against the system. */
export interface WorkloadClient {
  /** once before the load (e.g. bank accounts); retries through elections itself */
  setup?(node: SutNode): Promise<void>;
  invoke(ctx: OpContext, op: { f: string; value: unknown }): Promise<Completion>;
}

export interface SutClient {
  /** the client for a workload this system supports (see `workloads`) */
  workload(w: Workload): WorkloadClient;
  close(): void;
}

export interface SystemUnderTest {
  name: string;
  /** the system's options as given (`--sut-opt`), after validation */
  options: Record<string, string>;
  /** workloads it can run */
  workloads: readonly string[];
  /** fault families that do not apply, each with the reason (refused, never skipped) */
  unsupportedFaults: Partial<Record<FaultFamily, string>>;
  /** whether libfaketime moves the node's clock (the runtime preloads it then) */
  fakeClock: boolean;
  /** where the node keeps its data inside the container (bind-mounted from the run directory, so it is kept with the run) */
  dataDir: string;
  /** files inside the container copied to nodes/<id>/ after the run, beside its stdout/stderr (node.log) */
  logFiles: readonly string[];
  image(): ImageSpec;
  launch(node: SutNode, cluster: readonly SutNode[]): NodeLaunch;
  /** the node's client address, for people and logs */
  clientUrl(node: SutNode): string;
  /** null: the node did not answer in time */
  health(node: SutNode, timeoutMs: number): Promise<NodeHealth | null>;
  /**
   * true when health reports the node's role and its current term from one reading of its
   * Raft state: then two nodes seen leading one term break Raft's election safety, and the
   * run checks it (checkers/election.ts). Leave it unset when the reported term can lag the
   * role (etcd's status gives the term of the last applied entry).
   */
  leaderPerTerm?: boolean;
  client(requestTimeoutMs: number): SutClient;
  /**
   * A hash of the node's replicated state and the log position it reflects (etcd: its
   * HashKV at a revision). After the final heal, nodes at one position must hold the
   * same state (checkers/replicas.ts). Absent: replicas are not compared. null: no answer.
   */
  stateDigest?(node: SutNode, timeoutMs: number): Promise<StateDigest | null>;
  /**
   * Checkpoints of the node's applied log: at some log positions, a digest of every entry
   * it applied up to there (our node: a hash chain, every 100th index). Polled through the
   * run; two nodes' digests at one position must be equal whenever each was taken, so a
   * divergence later repaired (a snapshot installed over it) is still seen. Absent: not
   * polled. null: no answer.
   */
  appliedCheckpoints?(node: SutNode, timeoutMs: number): Promise<StateDigest[] | null>;
}

/** A node's replicated state, hashed, as of log position `index`. */
export interface StateDigest {
  index: number;
  digest: string;
}
