import { describe, expect, it } from 'vitest';
import { ProgressLine } from '../../../src/cli/check-progress.js';

function terminal(): { out: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const out = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  return { out, text: () => text };
}

describe('ProgressLine', () => {
  it('stays quiet for the first 2 s, then rewrites one line, and clears it at the end', () => {
    const t = terminal();
    const line = new ProgressLine(t.out, 256 << 20);
    line.update({ elapsedMs: 1000, phase: 'search', partitions: 3, decided: 1, bytes: 1 << 20 });
    expect(t.text()).toBe('');
    line.update({ elapsedMs: 3000, phase: 'search', partitions: 3, decided: 2, bytes: 100 << 20 });
    expect(t.text()).toBe('\r\x1b[Kchecking: 3 s, 2 of 3 partitions decided, 100 of 256 MB memory budget');
    line.update({ elapsedMs: 4000, phase: 'explain', partitions: 3, decided: 3, bytes: 10 << 20 });
    expect(t.text()).toMatch(/\r\x1b\[Kchecking: 4 s, explaining the violation, 10 of 256 MB memory budget$/);
    line.clear();
    expect(t.text().endsWith('\r\x1b[K')).toBe(true);
  });

  it('clears nothing if it never showed', () => {
    const t = terminal();
    new ProgressLine(t.out).clear();
    expect(t.text()).toBe('');
  });
});
