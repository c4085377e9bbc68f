import { camelCase, type OptionKind, RUN_OPTIONS } from '../controller/run-options.js';

export type KeyKind = OptionKind;

export interface RunKey {
  /** camelCase, as in a campaign file (`timeLimit`) */
  key: string;
  /** as on the command line (`time-limit`) */
  flag: string;
  kind: KeyKind;
}

/** The keys a campaign run may hold: the run options (src/controller/run-options.ts) in camelCase. */
export const RUN_KEYS: ReadonlyMap<string, RunKey> = new Map(
  Object.entries(RUN_OPTIONS).map(([flag, o]) => [camelCase(flag), { key: camelCase(flag), flag, kind: o.kind }]),
);
