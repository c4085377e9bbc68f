import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandModule } from 'yargs';
import { reportError, runCli } from '../../../src/cli/run-cli.js';
import { InputError } from '../../../src/util/errors.js';

function captureStderr(): { text: () => string } {
  let out = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  return { text: () => out };
}

describe('CLI error handling', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('a FaultlineError prints "faultline: <message>" and exits with its code', () => {
    const err = captureStderr();
    reportError(new InputError('h.jsonl', 3, 'expected a thing'));
    expect(err.text()).toBe('faultline: h.jsonl:3: expected a thing\n');
    expect(process.exitCode).toBe(254);
  });

  it('anything else is a bug: the stack is printed and the exit code is 255', () => {
    const err = captureStderr();
    reportError(new TypeError('boom'));
    expect(err.text()).toMatch(/^faultline: internal error .*\nTypeError: boom\n\s+at /);
    expect(process.exitCode).toBe(255);
  });

  it('errors thrown by a command handler and yargs usage errors end in the same place', async () => {
    const err = captureStderr();
    const failing: CommandModule = {
      command: 'explode',
      describe: 'throws',
      handler: async () => {
        throw new InputError('x', 1, 'expected y');
      },
    };
    await runCli(['explode'], [failing]);
    expect(err.text()).toBe('faultline: x:1: expected y\n');
    expect(process.exitCode).toBe(254);
    process.exitCode = undefined;
    await runCli(['explode', '--nope'], [failing]);
    expect(err.text()).toMatch(/faultline: Unknown argument: nope/);
    expect(process.exitCode).toBe(254);
  });
});

describe('CLI options given more than once', () => {
  it('a list option keeps every value; any other option its last one', async () => {
    let seen: Record<string, unknown> = {};
    const probe: CommandModule = {
      command: 'probe',
      describe: 'records its arguments',
      builder: (y) => y.option('node-opt', { type: 'string', array: true }).option('n', { type: 'number' }).option('name', { type: 'string' }),
      handler: (args) => {
        seen = args;
      },
    };
    await runCli(['probe', '--node-opt', 'a=1', '--node-opt', 'b=2', '--n', '3', '--n', '4', '--name', 'x', '--name', 'y'], [probe]);
    expect(seen['node-opt']).toEqual(['a=1', 'b=2']);
    expect(seen.nodeOpt).toEqual(['a=1', 'b=2']);
    expect(seen.n).toBe(4);
    expect(seen.name).toBe('y');
  });
});
