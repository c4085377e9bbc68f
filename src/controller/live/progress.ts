import type { LiveStatus } from './status.js';

/** The progress line: elapsed of total, ops/s, faults in force, leader (and anomalies found so far). */
export function progressLine(s: LiveStatus, prefix = ''): string {
  const phase = s.phase === 'load' ? '' : `${s.phase} · `;
  const elapsed = s.elapsedS === null ? `-/${s.timeLimitS} s` : `${Math.min(s.elapsedS, s.timeLimitS).toFixed(0)}/${s.timeLimitS} s`;
  const faults = s.faults.inForce.length ? [...new Set(s.faults.inForce.map((f) => f.f))].join(', ') : 'none';
  const anomalies = s.online.anomalies.length ? ` · ${s.online.anomalies.length} ANOMAL${s.online.anomalies.length === 1 ? 'Y' : 'IES'}` : '';
  return `${prefix}${phase}${elapsed} · ${s.opsPerSecond} ops/s · faults ${faults} · leader ${s.leader ?? 'none'}${anomalies}`;
}

/** Where progress goes: a terminal (stderr when it is a TTY). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * One line on a terminal, redrawn in place ("\r", erase line) at each status; nothing
 * at all when the stream is not a TTY (a CI log or a pipe keeps only the summary).
 */
export class TerminalProgress {
  private shown = false;

  constructor(
    private readonly stream: ProgressStream,
    public prefix = '',
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(s: LiveStatus): void {
    if (!this.enabled) return;
    const width = Math.max(20, (this.stream.columns || 120) - 1); // 0: a terminal that does not say
    const line = progressLine(s, this.prefix);
    this.stream.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    this.shown = true;
  }

  /** Erases the line, so what is printed next starts clean. */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
