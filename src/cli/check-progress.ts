import type { CheckProgress } from '../../checkers/linearizability/types.js';

/** Checks shorter than this print no progress. */
const QUIET_MS = 2000;

/** One line on a terminal, rewritten in place while a long check runs. */
export class ProgressLine {
  private shown = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly memoryBytes = 1 << 30,
  ) {}

  update(p: CheckProgress): void {
    if (p.elapsedMs < QUIET_MS) return;
    this.shown = true;
    const what = p.phase === 'explain' ? 'explaining the violation' : `${p.decided} of ${p.partitions} partition${p.partitions === 1 ? '' : 's'} decided`;
    this.out.write(`\r\x1b[Kchecking: ${Math.round(p.elapsedMs / 1000)} s, ${what}, ${mb(p.bytes)} of ${mb(this.memoryBytes)} MB memory budget`);
  }

  clear(): void {
    if (this.shown) this.out.write('\r\x1b[K');
    this.shown = false;
  }
}

const mb = (b: number): string => String(Math.round(b / (1 << 20)));
