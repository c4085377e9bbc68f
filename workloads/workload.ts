import type { CheckerResult } from '../checkers/types.js';
import type { Outcome } from '../src/controller/client.js';
import type { NodeClient } from '../src/controller/client.js';
import type { Op } from '../src/history/types.js';

/** An operation a generator asks a client to perform. */
export interface Invocation {
  f: string;
  value: unknown;
}

export interface WorkloadContext {
  client: NodeClient;
  /** the node this client talks to first */
  url: string;
  clientId: string;
  seq: number;
}

/**
 * What clients do: a generator of invocations, how one is performed against the
 * exchange nodes, optional final reads once the faults have stopped, and the
 * checkers its history needs. Generators are pure over an injected PRNG.
 */
export interface Workload {
  name: string;
  setup?(client: NodeClient, url: string): Promise<void>;
  generate(rand: () => number): Invocation;
  invoke(ctx: WorkloadContext, inv: Invocation): Promise<{ outcome: Outcome; value: unknown }>;
  /** invocations to run once, after healing (e.g. a final read of the set) */
  finalReads?(): Invocation[];
  check(ops: readonly Op[]): Record<string, CheckerResult>;
}
