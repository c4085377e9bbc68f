import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/util/version.js';
import { repoRoot } from '../../support/fixtures.js';

describe('VERSION', () => {
  it('is package.json\u2019s version (test.json records it), never "unknown"', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('is found from the built module too (dist/src/util is one level deeper)', async () => {
    const built = path.join(repoRoot, 'dist', 'src', 'util', 'version.js');
    const { VERSION: fromDist } = (await import(built)) as { VERSION: string };
    expect(fromDist).toBe(VERSION);
  });
});
