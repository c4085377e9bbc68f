import { describe, expect, it } from 'vitest';
import { campaignExitCode, campaignValid, statusOf, verdictName } from '../../../src/campaign/outcome.js';

describe('campaign outcomes', () => {
  it('a run meets its expectation when the verdict is the expected one', () => {
    expect(statusOf('valid', 'valid', false)).toBe('met');
    expect(statusOf('invalid', 'invalid', false)).toBe('met');
    expect(statusOf('unknown', 'unknown', false)).toBe('met');
    expect(statusOf('valid', 'invalid', false)).toBe('unmet');
    expect(statusOf('invalid', 'valid', false)).toBe('unmet'); // the unsafe mode was not caught
  });

  it('an undecided or interrupted run is unknown, whatever was expected', () => {
    expect(statusOf('valid', 'unknown', false)).toBe('unknown');
    expect(statusOf('invalid', 'unknown', false)).toBe('unknown');
    expect(statusOf('unknown', 'unknown', true)).toBe('unknown');
    expect(statusOf('valid', 'valid', true)).toBe('unknown');
  });

  it('exit 0 all met, 1 any unmet (over unknown), 2 any unknown or skipped, 255 any aborted', () => {
    expect(campaignExitCode(['met', 'met'])).toBe(0);
    expect(campaignExitCode(['met', 'unmet'])).toBe(1);
    expect(campaignExitCode(['unknown', 'unmet'])).toBe(1);
    expect(campaignExitCode(['met', 'unknown'])).toBe(2);
    expect(campaignExitCode(['met', 'skipped'])).toBe(2);
    expect(campaignExitCode(['unmet', 'error'])).toBe(255);
    expect(campaignValid(['met', 'unknown'])).toBe('unknown');
    expect(campaignValid(['met', 'unmet', 'unknown'])).toBe(false);
    expect(campaignValid([])).toBe(true);
  });

  it('verdict names', () => {
    expect([verdictName(true), verdictName(false), verdictName('unknown')]).toEqual(['valid', 'invalid', 'unknown']);
  });
});
