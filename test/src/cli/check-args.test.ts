import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelNames } from '../../../checkers/linearizability/models/index.js';
import { CHECK_OPTIONS, type CheckArgs, parseCheckArgv, protectStdin } from '../../../src/cli/check-args.js';
import { resolveCheckOptions } from '../../../src/cli/check-options.js';
import { checkCommand } from '../../../src/cli/commands/check.js';
import { buildCli } from '../../../src/cli/run-cli.js';

/** what yargs makes of `check ...argv` with faultline's settings, or the error it gives */
async function viaYargs(argv: string[]): Promise<CheckArgs | Error> {
  let got: CheckArgs | undefined;
  try {
    await buildCli(['check', ...argv], [{ ...checkCommand, handler: (a: CheckArgs) => void (got = a) }])
      .exitProcess(false)
      .parseAsync();
  } catch (err) {
    return err as Error;
  }
  return got ?? new Error('no handler ran');
}

const FIELDS = ['history', 'model', 'initial', 'format', 'nilRead', 'timeout', 'memory', 'partition', 'json', 'html'] as const;
const pick = (a: CheckArgs): Record<string, unknown> => Object.fromEntries(FIELDS.map((f) => [f, a[f]]));

const arbValue = fc.constantFrom(
  'abc',
  '5',
  '-5',
  '2.5',
  '0',
  '"x"',
  "'y'",
  '"',
  '{"a":1}',
  '[1,2]',
  'value',
  'unknown',
  'jsonl',
  'edn',
  'jepsen-log',
  'kv',
  'set',
  'out.html',
  '',
);
const arbToken = fc.oneof(
  fc.constantFrom('h.jsonl', '-', 'other.edn'),
  fc.tuple(fc.constantFrom('--model', '--initial', '--format', '--nil-read', '--timeout', '--memory', '--html'), arbValue).map(([o, v]) => [o, v]),
  fc.tuple(fc.constantFrom('--model', '--initial', '--timeout', '--format'), arbValue).map(([o, v]) => `${o}=${v}`),
  fc.constantFrom('--json', '--no-json', '--partition', '--no-partition', '--bogus', '--no-model', '-h', '--', '--json=true'),
);

describe('check without yargs (the fast path)', () => {
  it('property: whatever it accepts, yargs reads the same way', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(arbToken, { maxLength: 6 }), async (tokens) => {
        const argv = tokens.flat();
        const fast = parseCheckArgv(argv);
        if (fast === null) return; // declined: yargs decides
        accepted++;
        // as dispatch hands a check command line to yargs
        const slow = await viaYargs(protectStdin(['check', ...argv]).slice(1));
        expect(slow).not.toBeInstanceOf(Error);
        expect(resolveCheckOptions({ history: (slow as CheckArgs).history }).file).toBe(fast.history);
        expect(pick(fast)).toEqual({ ...pick(slow as CheckArgs), history: fast.history });
      }),
      // about one generated command line in eight is accepted (190-210 of 1500; the rest go to yargs):
      // 400 runs once gave 32, so enough runs that 40 accepted is never a matter of luck
      { numRuns: 1500 },
    );
    expect(accepted).toBeGreaterThan(40);
  });

  it('declines what is not plain: help, unknown options, two histories, no history, a missing value', () => {
    for (const argv of [
      ['h', '--help'],
      ['h', '-h'],
      ['h', '--bogus'],
      ['a', 'b'],
      [],
      ['h', '--model'],
      ['h', '--model', '--json'],
      ['h', '--format', 'xml'],
    ]) {
      expect(parseCheckArgv(argv)).toBeNull();
    }
    expect(parseCheckArgv(['-', '--timeout=2.5', '--no-partition', '--initial', '-5'])).toMatchObject({
      history: '-',
      timeout: '2.5',
      partition: false,
      initial: '-5',
      model: 'cas-register',
      json: false,
    });
  });

  it('the help names every model', () => {
    for (const name of modelNames()) expect(CHECK_OPTIONS.model.describe).toContain(name);
  });
});
