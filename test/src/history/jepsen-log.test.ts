import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/history/detect.js';
import { parseJepsenLog } from '../../../src/history/jepsen-log.js';
import { InputError } from '../../../src/util/errors.js';

describe('Jepsen log lines', () => {
  it('reads tab- and space-separated op lines, skipping other log output', () => {
    const text = [
      'INFO  jepsen.core - Running test',
      'INFO  jepsen.util - 0\t:invoke\t:read\tnil',
      'INFO  jepsen.util - 3   :invoke :cas    [1 2]',
      'INFO  jepsen.util - Run complete, writing',
      'INFO  jepsen.util - 0\t:ok\t:read\t4',
      'INFO  jepsen.util - 3   :fail   :cas    [1 2]',
      'INFO  jepsen.util - :nemesis\t:info\t:start\tnil',
    ].join('\n');
    const { ops, lines } = parseJepsenLog(text, 'x.log');
    expect(lines).toEqual([2, 3, 5, 6, 7]);
    expect(ops.map((o) => [o.index, o.time, o.process, o.type, o.f, o.value])).toEqual([
      [0, 0, 0, 'invoke', 'read', null],
      [1, 1, 3, 'invoke', 'cas', [1, 2]],
      [2, 2, 0, 'ok', 'read', 4],
      [3, 3, 3, 'fail', 'cas', [1, 2]],
      [4, 4, 'nemesis', 'info', 'start', null],
    ]);
  });

  it('a :timed-out completion has an unknown result; ok/info become info, fail stays fail', () => {
    const text = [
      'INFO  jepsen.util - 1\t:invoke\t:write\t3',
      'INFO  jepsen.util - 1\t:info\t:write\t:timed-out',
      'INFO  jepsen.util - 2\t:invoke\t:cas\t[3 4]',
      'INFO  jepsen.util - 2\t:ok\t:cas\t:timed-out',
      'INFO  jepsen.util - 4\t:invoke\t:read\tnil',
      'INFO  jepsen.util - 4\t:fail\t:read\t:timed-out',
    ].join('\n');
    const { ops } = parseJepsenLog(text, 'x.log');
    expect(ops.filter((o) => o.type !== 'invoke').map((o) => [o.type, o.value, o.error])).toEqual([
      ['info', null, 'timed-out'],
      ['info', null, 'timed-out'],
      ['fail', null, 'timed-out'],
    ]);
  });

  it.each([
    ['INFO  jepsen.util - 0\t:invoke', /expected "<level> jepsen.util - <process> :<type> :<f> <value>"/],
    ['INFO  jepsen.util - 0\t:started\t:read\tnil', /expected type :invoke, :ok, :fail or :info; got :started/],
    ['INFO  jepsen.util - 0\t:ok\t:read\t{oops', /expected a value/],
  ])('a malformed op line is an InputError with its line: %s', (bad, msg) => {
    const text = `INFO  jepsen.util - 0\t:invoke\t:read\tnil\nsomething else\n${bad}\n`;
    let err: unknown;
    try {
      parseJepsenLog(text, 'x.log');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).line).toBe(3);
    expect((err as InputError).message).toMatch(msg);
  });
});

describe('detectFormat', () => {
  it.each([
    ['{"type":"invoke","process":0,"f":"read","value":null}\n', 'jsonl'],
    ['{:type :invoke, :process 0, :f :read}\n', 'edn'],
    ['; comment\n[{:type :invoke}\n', 'edn'],
    ['(\n{:type :invoke}', 'edn'],
    ['#jepsen.history.Op{:type :invoke}', 'edn'],
    ['2015-01-01 INFO  jepsen.util - 0\t:invoke\t:read\tnil\n', 'jepsen-log'],
    ['INFO  jepsen.util - 0   :invoke :read   nil\n', 'jepsen-log'],
    ['hello world\n', null],
    // the first meaningful line decides: a stray log line in a JSONL file does not make it a log
    ['{"type":"invoke","process":0,"f":"read"}\nINFO  jepsen.util - 0\t:ok\t:read\t1\n', 'jsonl'],
    ['{:type :invoke, :process 0, :f :read}\nINFO  jepsen.util - 0\t:ok\t:read\t1\n', 'edn'],
  ])('%j → %s', (head, format) => {
    expect(detectFormat(head)).toBe(format);
  });
});
