import type { Argv, CommandModule } from 'yargs';
import { compareCampaigns, DEFAULT_THRESHOLDS } from '../../compare/compare.js';
import { formatComparison } from '../../compare/report.js';
import { readCampaignDir } from '../../store/read.js';
import { UsageError } from '../../util/errors.js';

interface CompareArgs {
  old: string;
  new: string;
  maxThroughputDrop: number;
  maxRecoveryIncrease: number;
  minRecoveryIncreaseMs: number;
}

/** `faultline compare <old> <new>`: regressions between two runs of a campaign; exit 1 on any. */
export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <old> <new>',
  describe:
    'Compare two campaign directories (e.g. last night and tonight): exit 1 on a regression — a run that met its expectation and no longer does, or throughput or recovery worse than the thresholds',
  builder: (y: Argv) =>
    y
      .positional('old', { type: 'string', demandOption: true, describe: 'the earlier campaign directory (<store>/<name>/<timestamp>)' })
      .positional('new', { type: 'string', demandOption: true, describe: 'the later campaign directory' })
      .option('max-throughput-drop', {
        type: 'number',
        default: DEFAULT_THRESHOLDS.maxThroughputDrop,
        describe: 'fraction of a run\u2019s ops/s that may be lost (0.25 = 25% fewer)',
      })
      .option('max-recovery-increase', {
        type: 'number',
        default: DEFAULT_THRESHOLDS.maxRecoveryIncrease,
        describe: 'fraction by which the recovery time after the final heal may grow',
      })
      .option('min-recovery-increase-ms', {
        type: 'number',
        default: DEFAULT_THRESHOLDS.minRecoveryIncreaseMs,
        describe: '...and the ms it must grow by to count',
      }) as unknown as Argv<CompareArgs>,
  handler: (args) => {
    const fraction = (name: string, v: number): number => {
      if (!(v >= 0 && Number.isFinite(v))) throw new UsageError(`--${name} must be a number ≥ 0; got ${v}`);
      return v;
    };
    const t = {
      maxThroughputDrop: fraction('max-throughput-drop', args.maxThroughputDrop),
      maxRecoveryIncrease: fraction('max-recovery-increase', args.maxRecoveryIncrease),
      minRecoveryIncreaseMs: fraction('min-recovery-increase-ms', args.minRecoveryIncreaseMs),
    };
    const older = readCampaignDir(args.old);
    const newer = readCampaignDir(args.new);
    const c = compareCampaigns(older.report, newer.report, t);
    process.stdout.write(formatComparison(c, args.old, args.new));
    process.exitCode = c.regressions.length > 0 ? 1 : 0;
  },
};
