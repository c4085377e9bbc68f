import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../../../src/history/read.js';
import { FaultlineError, InputError, UsageError } from '../../../src/util/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-read-'));
function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('readHistory', () => {
  it('detects a Jepsen log whose op lines start after a long preamble, and counts the lines skipped', async () => {
    const preamble = '2024-01-01 12:00:00,000{GMT}\tINFO\t[main] jepsen.core - setting up the cluster\n'.repeat(1200);
    const opLines = '2024-01-01 INFO [jepsen worker 0] jepsen.util - 0\t:invoke\t:read\tnil\n'.repeat(1201);
    const file = write('jepsen.log', `${preamble}${opLines}`);
    const r = await readHistory(file);
    expect(r.format).toBe('jepsen-log');
    expect(r.ops).toHaveLength(1201);
    expect(r.lines[0]).toBe(1201);
    expect(r.skipped).toBe(1200);
  });

  it('an empty file is an empty history in the format its name suggests', async () => {
    const empty = write('empty.log', '');
    expect(await readHistory(empty)).toEqual({ ops: [], lines: [], format: 'jepsen-log', name: empty, skipped: 0 });
    expect((await readHistory(write('empty.edn', '\n'))).format).toBe('edn');
    expect((await readHistory(write('empty.jsonl', ''))).format).toBe('jsonl');
  });

  it('--format overrides detection', async () => {
    const file = write('h.txt', '{"type":"invoke","process":0,"f":"read"}\n');
    await expect(readHistory(file, { format: 'edn' })).rejects.toThrow(InputError);
    expect((await readHistory(file, { format: 'jsonl' })).ops).toHaveLength(1);
    await expect(readHistory(file, { format: 'xml' as never })).rejects.toThrow(UsageError);
  });

  it('unrecognized content and unreadable files are input errors (exit 254)', async () => {
    await expect(readHistory(write('prose.txt', 'hello\nworld\n'))).rejects.toThrow(/prose\.txt:1: expected a history/);
    const missing = readHistory(path.join(dir, 'nope.jsonl'));
    await expect(missing).rejects.toThrow(FaultlineError);
    await expect(missing).rejects.toMatchObject({ code: 'E_INPUT', exitCode: 254 });
  });

  it('a JSONL file with a stray Jepsen log line is JSONL, and that line is the error', async () => {
    const file = write(
      'stray.jsonl',
      ['{"type":"invoke","process":0,"f":"write","value":1}', 'INFO  jepsen.util - 0\t:ok\t:write\t1', '{"type":"ok","process":0,"f":"write","value":1}'].join(
        '\n',
      ),
    );
    await expect(readHistory(file)).rejects.toThrow(/stray\.jsonl:2: expected one JSON op map per line/);
  });

  it('--format jepsen-log on a JSONL file is refused, not read as 0 events', async () => {
    const file = write('ops.jsonl', '{"type":"invoke","process":0,"f":"write","value":1}\n{"type":"ok","process":0,"f":"write","value":1}\n');
    await expect(readHistory(file, { format: 'jepsen-log' })).rejects.toThrow(/ops\.jsonl:1: expected Jepsen log op lines .* most lines \(2 of 2\)/);
  });

  it('a Jepsen log counts the other lines it skips; a majority of them is refused', async () => {
    const op = 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t3\n';
    const few = await readHistory(write('few.log', `INFO jepsen.core - starting\n\n${op}`));
    expect(few).toMatchObject({ format: 'jepsen-log', skipped: 1 });
    expect(few.ops).toHaveLength(2);
    await expect(readHistory(write('most.log', `noise\nmore noise\neven more\n${op}`))).rejects.toThrow(
      /most\.log:1: .*most lines \(3 of 5\) are something else/,
    );
  });
});
