import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HARNESS = ['src', 'nemesis', 'checkers', 'workloads', 'docker', 'bench'];

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

/** every module a file imports (static and dynamic), as written */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
}

describe('the seam between the harness and the system under test', () => {
  it('the exchange node (systems/exchange) imports only Node built-ins and its own files: its image holds node and dist/systems/exchange, nothing else', () => {
    const sys = path.join(ROOT, 'systems/exchange');
    const foreign: string[] = [];
    let files = 0;
    for (const file of sources(sys)) {
      files++;
      for (const spec of importsOf(file)) {
        if (spec.startsWith('node:')) continue;
        const target = spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : null;
        if (!target || !target.startsWith(sys + path.sep)) foreign.push(`${path.relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(files).toBeGreaterThan(20); // the walk really saw the system
    expect(foreign).toEqual([]);
  });

  it('the harness imports nothing of the system under test: it sees it only through its adapter (src/sut)', () => {
    const crossing: string[] = [];
    for (const top of HARNESS) {
      for (const file of sources(path.join(ROOT, top))) {
        for (const spec of importsOf(file)) {
          if (spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(path.join(ROOT, 'systems') + path.sep))
            crossing.push(`${path.relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
    expect(crossing).toEqual([]);
  });
});
