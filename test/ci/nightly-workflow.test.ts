import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';

// The workflow is YAML run by GitHub, which no test here can run; this keeps it in step
// with what it must do and with the README's set-up command.
const workflow = readFileSync(path.join(repoRoot, '.github/workflows/nightly.yml'), 'utf8');
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('.github/workflows/nightly.yml', () => {
  it('runs on a schedule and by hand', () => {
    expect(workflow).toMatch(/^on:\n {2}schedule:\n {4}- cron: (['"])[^'"]+\1\n {2}workflow_dispatch:/m);
  });

  it('runs the README\u2019s set-up command', () => {
    const quickStart = /```sh\n(bash docker\/host-setup\.sh && npm ci && npm run build)/.exec(readme);
    expect(quickStart).not.toBeNull();
    expect(workflow).toContain(`run: ${quickStart?.[1]}`);
  });

  it('runs the nightly campaign with a JUnit report, compares with the last good night, and uploads the report and the store', () => {
    expect(workflow).toContain('campaigns/nightly.json');
    expect(workflow).toMatch(/node bin\/faultline\.js campaign "\$CAMPAIGN" .*--store results --junit results\/junit\.xml/);
    expect(workflow).toMatch(/node bin\/faultline\.js compare baseline /);
    const uploads = [...workflow.matchAll(/uses: actions\/upload-artifact@v4\n\s+with:\n\s+name: (\S+)\n\s+path: (\|\n\s+)?(\S+)/g)].map((m) => [m[1], m[3]]);
    expect(uploads).toEqual([
      ['junit', 'results/junit.xml'],
      ['results-store', 'results/'],
    ]);
    // the uploads happen whatever the campaign's outcome
    expect(workflow.match(/if: always\(\)/g)?.length).toBeGreaterThanOrEqual(3);
  });
});
