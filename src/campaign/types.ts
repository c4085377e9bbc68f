import type { RunArgs, RunConfig } from '../controller/config.js';

/** What a campaign run is expected to end with: `invalid` asserts that an unsafe mode is caught. */
export const EXPECTATIONS = ['valid', 'invalid', 'unknown'] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

export interface CampaignRun {
  /** 0-based position in the file's `runs` */
  index: number;
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
