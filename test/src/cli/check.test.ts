import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { faultlineTsx } from '../../support/cli.js';
import { porcupineFixtures as fixtures, repoRoot } from '../../support/fixtures.js';

// Runs the real CLI as a process (through tsx, so no build step is needed).
const dir = mkdtempSync(path.join(tmpdir(), 'faultline-cli-'));

const faultline = faultlineTsx;

function history(name: string, lines: object[] | string): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof lines === 'string' ? lines : lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
}

const ev = (type: string, process: number, f: string, value: unknown) => ({ type, process, f, value });
const valid = history('valid.jsonl', [
  ev('invoke', 0, 'write', 3),
  ev('invoke', 1, 'read', null),
  ev('ok', 0, 'write', 3),
  ev('ok', 1, 'read', 3),
  ev('invoke', 2, 'cas', [3, 4]),
  ev('ok', 2, 'cas', [3, 4]),
]);
// the read of 3 starts after cas 3→4 completed: stale
const invalid = history('invalid.jsonl', [
  ev('invoke', 0, 'write', 3),
  ev('ok', 0, 'write', 3),
  ev('invoke', 2, 'cas', [3, 4]),
  ev('ok', 2, 'cas', [3, 4]),
  ev('invoke', 1, 'read', null),
  ev('ok', 1, 'read', 3),
]);

describe('faultline check (real process)', () => {
  it('valid history → exit 0 and a summary', async () => {
    const r = await faultline('check', valid);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/model\s+cas-register/);
    expect(r.stdout).toMatch(/ops\s+3 in 1 partition/);
    expect(r.stdout).toMatch(/verdict\s+valid/);
  });

  it('invalid history → exit 1 naming the op that cannot be linearized', async () => {
    const r = await faultline('check', invalid);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/verdict\s+INVALID/);
    expect(r.stdout).toMatch(/cannot linearize\s+op 2 process 1: read/);
    expect(r.stdout).toMatch(/state after the prefix: 4/);
  });

  it('--json prints one object with the contract fields', async () => {
    const r = await faultline('check', invalid, '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ valid: false, model: 'cas-register', ops: 3, partitions: 1, format: 'jsonl', nilRead: 'value' });
    expect(typeof out.elapsedMs).toBe('number');
    expect(out.anomaly.op).toMatchObject({ id: 2, process: 1, f: 'read', output: 3 });
    const ok = JSON.parse((await faultline('check', valid, '--json')).stdout);
    expect(ok).toMatchObject({ valid: true, anomaly: null });
  });

  it('--initial changes the verdict', async () => {
    const readOnly = history('read5.jsonl', [ev('invoke', 0, 'read', null), ev('ok', 0, 'read', 5)]);
    expect((await faultline('check', readOnly)).code).toBe(1);
    expect((await faultline('check', readOnly, '--initial', '5')).code).toBe(0);
  });

  it('reads a Porcupine etcd log and a kv file with their verdicts', async () => {
    expect((await faultline('check', path.join(fixtures, 'jepsen/etcd_000.log'))).code).toBe(1);
    const kv = await faultline('check', path.join(fixtures, 'kv/c10-ok.txt'), '--model', 'kv', '--json');
    expect(kv.code).toBe(0);
    expect(JSON.parse(kv.stdout)).toMatchObject({ valid: true, format: 'edn', partitions: 10 });
  });

  it('--html writes a self-contained page', async () => {
    const out = path.join(dir, 'violation.html');
    const r = await faultline('check', invalid, '--html', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/html\s+.*violation\.html/);
    const page = readFileSync(out, 'utf8');
    expect(page).toMatch(/<html/i);
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/i); // no network
  });

  it('a budget that runs out → exit 2 (unknown) with the reason', async () => {
    const c50 = path.join(fixtures, 'kv/c50-ok.txt');
    const t = await faultline('check', c50, '--model', 'kv', '--timeout', '0.001');
    expect(t.code).toBe(2);
    expect(t.stdout).toMatch(/verdict\s+unknown \(time budget exhausted\)/);
    const m = await faultline('check', c50, '--model', 'kv', '--memory', '0.01', '--json');
    expect(m.code).toBe(2);
    expect(JSON.parse(m.stdout)).toMatchObject({ valid: 'unknown', unknownReason: 'memory' });
  });

  it('a malformed line → exit 254 with file and line on stderr', async () => {
    const bad = history('bad.jsonl', `${JSON.stringify(ev('invoke', 0, 'read', null))}\n{"type":"ok","process":0,"f":"re`);
    const r = await faultline('check', bad);
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(new RegExp(`^faultline: ${bad.replace(/[.]/g, '\\.')}:2: expected one JSON op map per line`));
    const unknownType = history('type.jsonl', `${JSON.stringify(ev('invoke', 0, 'read', null))}\n${JSON.stringify(ev('done', 0, 'read', 1))}`);
    const t = await faultline('check', unknownType);
    expect(t.code).toBe(254);
    expect(t.stderr).toMatch(/type\.jsonl:2: expected "type" to be one of invoke, ok, fail, info; got "done"/);
  });

  it('a completion without invocation and a retired process → exit 254 with the line', async () => {
    const orphan = history('orphan.jsonl', [ev('invoke', 0, 'read', null), ev('ok', 0, 'read', null), ev('ok', 1, 'read', null)]);
    const r = await faultline('check', orphan);
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/orphan\.jsonl:3: .*without an invocation/);
    const retired = history('retired.jsonl', [ev('invoke', 0, 'write', 1), ev('info', 0, 'write', 1), ev('invoke', 0, 'read', null)]);
    const r2 = await faultline('check', retired);
    expect(r2.code).toBe(254);
    expect(r2.stderr).toMatch(/retired\.jsonl:3: process 0 invokes again/);
  });

  it('usage errors → exit 254: unknown model, bad flag, missing file, no command, unwritable --html', async () => {
    // independent processes: run them side by side
    const [m, format, initial, missing, none, bogus, html] = await Promise.all([
      faultline('check', valid, '--model', 'nope'),
      faultline('check', valid, '--format', 'xml'),
      faultline('check', valid, '--initial', '{oops'),
      faultline('check', path.join(dir, 'missing.jsonl')),
      faultline(),
      faultline('check', valid, '--bogus'),
      faultline('check', valid, '--html', path.join(dir, 'no-such-dir', 'x.html')),
    ]);
    expect(m.code).toBe(254);
    expect(m.stderr).toMatch(/^faultline: unknown model "nope"; expected one of .*cas-register/);
    expect(format.code).toBe(254);
    expect(initial.code).toBe(254);
    expect(initial.stderr).toMatch(/expected --initial to be a JSON value/);
    expect(missing.code).toBe(254);
    expect(missing.stderr).toMatch(/missing\.jsonl: cannot read the history \(ENOENT\)/);
    expect(none.code).toBe(254);
    expect(none.stderr).toMatch(/expected a command/);
    expect(bogus.code).toBe(254);
    expect(bogus.stderr).toMatch(/Unknown argument/);
    expect(html.code).toBe(254);
    expect(html.stderr).toMatch(/cannot write --html .*x\.html \(ENOENT\)/);
  });
});

describe('faultline check conventions (real process)', () => {
  async function withStdin(input: Buffer | string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repoRoot }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as unknown as { code: number }).code ?? 255) : 0, stdout, stderr });
      });
      child.stdin?.end(input);
    });
  }

  it('check - reads standard input (plain or gzip); .gz files are read directly', async () => {
    const text = readFileSync(valid);
    const [plain, zipped, gz] = await Promise.all([
      withStdin(text, 'check', '-'),
      withStdin(gzipSync(text), 'check', '-', '--json'),
      faultline(
        'check',
        (() => {
          const f = path.join(dir, 'valid.jsonl.gz');
          writeFileSync(f, gzipSync(text));
          return f;
        })(),
      ),
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/history\s+stdin \(jsonl, 6 events/);
    expect(zipped.code).toBe(0);
    expect(JSON.parse(zipped.stdout)).toMatchObject({ valid: true, file: 'stdin' });
    expect(gz.code).toBe(0);
    expect(gz.stdout).toMatch(/valid\.jsonl\.gz \(jsonl, 6 events/);
    // and through yargs (a command line the fast path leaves to it), - is still standard input
    const viaYargs = await withStdin(text, 'check', '--nilRead', 'value', '-');
    expect(viaYargs.code).toBe(0);
    expect(viaYargs.stdout).toMatch(/history\s+stdin/);
  });

  it('Ctrl-C ends the check with exit 2 and what is known so far', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'check', path.join(fixtures, 'kv/c50-ok.txt'), '--model', 'kv', '--no-partition', '--memory', '8000'],
      { cwd: repoRoot },
    );
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    await new Promise((r) => setTimeout(r, 4000)); // tsx start-up, reading, then the search runs (it would for minutes)
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(stdout).toMatch(/verdict\s+unknown \(interrupted\)/);
    expect(stdout).toMatch(/because\s+interrupted \(Ctrl-C\) before every partition was decided/);
  }, 30_000);
});
