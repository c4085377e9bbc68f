/**
 * `check`'s start-up: the median of RUNS runs of `node bin/faultline.js check <a
 * 10-op file>` against bare `node -e 0`, interleaved in the same loop so both see
 * the same machine load. Goal: at most 1.5× bare node.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const RUNS = 10;

export interface Startup {
  nodeMs: number;
  checkMs: number;
  ratio: number;
}

export function measureStartup(repo: string, dir: string, runs = RUNS): Startup {
  const file = path.join(dir, 'ten-ops.jsonl');
  const ops: object[] = [];
  for (let i = 0; i < 5; i++) {
    const f = i % 2 === 0 ? 'write' : 'read';
    ops.push({ index: 2 * i, time: 2 * i, type: 'invoke', process: i % 3, f, value: f === 'write' ? i : null });
    ops.push({ index: 2 * i + 1, time: 2 * i + 1, type: 'ok', process: i % 3, f, value: f === 'write' ? i : i - 1 });
  }
  writeFileSync(file, `${ops.map((o) => JSON.stringify(o)).join('\n')}\n`);
  const bin = path.join(repo, 'bin', 'faultline.js');
  const time = (args: string[]): number => {
    const t = performance.now();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    return performance.now() - t;
  };
  time([bin, 'check', file]); // warm the file cache once
  const bare: number[] = [];
  const check: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(time(['-e', '0']));
    check.push(time([bin, 'check', file]));
  }
  const nodeMs = median(bare);
  const checkMs = median(check);
  return { nodeMs, checkMs, ratio: checkMs / nodeMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// run alone: node dist/bench/startup.js
if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { fileURLToPath } = await import('node:url');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const repo = path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-startup-'));
  try {
    const s = measureStartup(repo, dir, Number(process.argv[2] ?? RUNS));
    console.log(`node -e 0 ${s.nodeMs.toFixed(1)} ms, check ${s.checkMs.toFixed(1)} ms: ${s.ratio.toFixed(2)}×`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
