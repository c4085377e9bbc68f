import type { CheckpointLog, CheckpointsAt } from '../../checkers/checkpoints.js';
import type { StateDigest } from '../sut/types.js';
import { sleep } from './workers.js';

/**
 * Polls every node's applied-log checkpoints through the run (checkers/checkpoints.ts
 * judges them). A node keeps only its recent checkpoints and forgets them when it
 * restarts, so they are gathered as they appear. A position every node has reported
 * with one digest is folded to that digest alone (nodes report their recent
 * checkpoints at every poll, so a later report of it is compared, not counted again).
 */
export class CheckpointWatch<N extends { id: string }> implements CheckpointLog {
  agreed = 0;
  readonly open = new Map<number, CheckpointsAt>();
  private running = true;
  private readonly done: Promise<void>;
  /** folded positions and their one digest: nodes report their recent checkpoints at every poll */
  private readonly folded = new Map<number, string>();
  private readonly ids: string[];

  constructor(
    nodes: readonly N[],
    read: (node: N, timeoutMs: number) => Promise<StateDigest[] | null>,
    everyMs: number,
    private readonly now: () => number,
  ) {
    this.ids = nodes.map((n) => n.id);
    const poll = async (): Promise<void> => {
      await Promise.all(nodes.map(async (n) => this.observe(n.id, (await read(n, Math.min(everyMs, 2000)).catch(() => null)) ?? [])));
    };
    this.done = (async () => {
      while (this.running) {
        await poll();
        await sleep(everyMs);
      }
      await poll(); // the last checkpoints, after the final reads
    })();
  }

  observe(node: string, checkpoints: readonly StateDigest[]): void {
    const atNs = this.now();
    for (const { index, digest } of checkpoints) {
      const agreedOn = this.folded.get(index);
      if (agreedOn === digest) continue;
      let at = this.open.get(index);
      if (agreedOn !== undefined) {
        // a node reports another digest where every node had agreed: open the position again
        this.folded.delete(index);
        this.agreed--;
        at = new Map([[agreedOn, { nodes: new Set(this.ids), atNs }]]);
        this.open.set(index, at);
      } else if (!at) {
        at = new Map();
        this.open.set(index, at);
      }
      const g = at.get(digest);
      if (g) g.nodes.add(node);
      else at.set(digest, { nodes: new Set([node]), atNs });
      if (at.size === 1 && at.get(digest)?.nodes.size === this.ids.length) {
        this.open.delete(index);
        this.folded.set(index, digest);
        this.agreed++;
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}
