import type { RunArgs, RunConfig } from '../controller/config.js';

/** What a campaign run is expected to end with: `invalid` asserts that an unsafe mode is caught. */
export const EXPECTATIONS = ['valid', 'invalid', 'unknown'] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

export interface CampaignRun {
  /** 0-based position in the campaign's plan (the file's runs expanded, then repeated) */
  index: number;
  /** 0-based position of the run in the file's `runs` it comes from */
  source: number;
  /** the value each list-valued key took for this run (empty when none) */
  matrix: Record<string, unknown>;
  /** 1-based repetition (`--repeat`) */
  repeat: number;
  /** the run's identity across campaigns: its options as written (compare matches runs by it) */
  key: string;
  /** the run's options as written, defaults merged in */
  args: RunArgs;
  /** resolved through resolveRunConfig, so every run is validated before the first starts */
  config: RunConfig;
  expect: Expectation;
}

/** A nemesis campaign: runs executed one after another, each with an expected verdict. */
export interface Campaign {
  name: string;
  file: string;
  description?: string;
  runs: CampaignRun[];
}
