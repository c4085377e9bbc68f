import type { Argv } from 'yargs';

/** How a run option is written in a campaign file. */
export type KeyKind = 'string' | 'number' | 'strings';

export interface RunKey {
  /** camelCase, as in a campaign file (`timeLimit`) */
  key: string;
  /** as on the command line (`time-limit`) */
  flag: string;
  kind: KeyKind;
}

interface OptionSpec {
  type?: string;
  array?: boolean;
}

export const camelCase = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The keys a campaign run may hold, read off the yargs builder of `faultline run`
 * (runOptions), so a new run option is a campaign key without touching this code.
 * The builder is handed a stand-in that records each `.option(name, spec)`.
 */
export function runKeysOf(builder: (y: Argv) => unknown): Map<string, RunKey> {
  const keys = new Map<string, RunKey>();
  const recorder: Record<string, unknown> = {
    option(flag: string, spec: OptionSpec) {
      const kind: KeyKind = spec.array ? 'strings' : spec.type === 'number' ? 'number' : 'string';
      keys.set(camelCase(flag), { key: camelCase(flag), flag, kind });
      return recorder;
    },
  };
  recorder.options = recorder.option;
  builder(recorder as unknown as Argv);
  return keys;
}
