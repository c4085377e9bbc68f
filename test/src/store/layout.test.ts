import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_FILES, NODE_FILES, nodePaths, RUN_FILES, runPaths } from '../../../src/store/layout.js';
import { repoRoot } from '../../support/fixtures.js';

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

describe('the results directory layout (contracts.md §4)', () => {
  it('keeps the contract names', () => {
    expect(RUN_FILES).toMatchObject({
      test: 'test.json',
      history: 'history.jsonl',
      results: 'results.json',
      controllerLog: 'controller.log',
      timeline: 'timeline.html',
      nodes: 'nodes',
    });
    expect(CAMPAIGN_FILES.campaign).toBe('campaign.json');
    expect(runPaths('/s/t/1').results).toBe('/s/t/1/results.json');
    expect(nodePaths('/s/t/1/nodes', 'n2')).toMatchObject({
      log: '/s/t/1/nodes/n2/node.log',
      data: '/s/t/1/nodes/n2/data',
      clockFile: '/s/t/1/nodes/n2/clock/offset',
    });
  });

  it('no module but src/store/layout.ts spells a results file name', () => {
    const names = [...Object.values(RUN_FILES).filter((n) => n.includes('.')), ...Object.values(CAMPAIGN_FILES), NODE_FILES.log, NODE_FILES.dataListing];
    const quoted = new RegExp(`['"\`/](${names.map((n) => n.replace(/\./g, '\\.')).join('|')})['"\`]`);
    const spelled: string[] = [];
    let files = 0;
    for (const top of ['src', 'nemesis', 'checkers', 'workloads', 'bench', 'docker']) {
      for (const file of sources(path.join(repoRoot, top))) {
        files++;
        if (file.endsWith(path.join('src', 'store', 'layout.ts'))) continue;
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (quoted.test(line) && !/^\s*(\*|\/\/)/.test(line)) spelled.push(`${path.relative(repoRoot, file)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(files).toBeGreaterThan(100); // the walk saw the source tree
    expect(spelled).toEqual([]);
  });
});
