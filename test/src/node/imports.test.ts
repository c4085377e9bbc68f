import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the node process', () => {
  it('imports only Node built-ins and project files (its image holds node and dist/, no node_modules)', () => {
    const seen = new Set<string>();
    const foreign: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('node:')) continue;
        if (!spec.startsWith('.')) {
          foreign.push(`${path.relative(ROOT, file)} imports ${spec}`);
          continue;
        }
        visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      }
    };
    visit(path.join(ROOT, 'src/node/main.ts'));
    expect(seen.size).toBeGreaterThan(10); // the walk really followed the graph
    expect([...seen].some((f) => f.endsWith('src/raft/node.ts'))).toBe(true);
    expect(foreign).toEqual([]);
  });
});
