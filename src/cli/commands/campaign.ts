import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { CampaignError } from '../../campaign/errors.js';
import { renderJunit } from '../../campaign/junit.js';
import type { CampaignReport } from '../../campaign/report.js';
import { TerminalProgress } from '../../controller/live/progress.js';
import { UsageError } from '../../util/errors.js';

interface CampaignArgs {
  campaignFile: string;
  store: string;
  dryRun: boolean;
  repeat: number;
  junit?: string;
}

/**
 * `faultline campaign <file>`: the runs of a campaign file one after another, each
 * checked against its expected verdict; exit 0 when every expectation was met.
 */
export const campaignCommand: CommandModule<object, CampaignArgs> = {
  command: 'campaign <campaign-file>',
  describe: 'Run a nemesis campaign: the runs of a JSON file one after another, each against its expected verdict',
  builder: (y: Argv) =>
    y
      .positional('campaign-file', {
        type: 'string',
        demandOption: true,
        describe: 'JSON: {"name", "defaults": {run options}, "runs": [{run options, "expect": "valid|invalid|unknown"}]}',
      })
      .option('store', { type: 'string', default: 'results', describe: 'results store directory (runs and campaign.json)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'validate the file and print the runs without starting any' })
      .option('repeat', { type: 'number', default: 1, describe: 'run the whole plan this many times over (runs without a seed get a new one each time)' })
      .option('junit', {
        type: 'string',
        describe: 'write a JUnit XML report here (one testcase per run), rewritten after each run',
      }) as unknown as Argv<CampaignArgs>,
  handler: async (args) => {
    // loaded when the command runs: the controller brings dockerode, execa and pino
    const { runCampaign } = await import('../../campaign/execute.js');
    const { parseCampaign } = await import('../../campaign/parse.js');
    const { describeRun } = await import('../../campaign/report.js');
    const { RUN_KEYS } = await import('../../campaign/run-keys.js');
    const { formatCampaignReport, formatPlan } = await import('../../campaign/table.js');
    const { runTest } = await import('../../controller/run.js');
    const { formatRunSummary } = await import('../../controller/summary.js');
    const file = args.campaignFile;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new CampaignError(file, '', `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
    if (!Number.isInteger(args.repeat) || args.repeat < 1 || args.repeat > 1000)
      throw new UsageError(`--repeat must be an integer from 1 to 1000; got ${args.repeat}`);
    const campaign = parseCampaign(text, { file, store: args.store, keys: RUN_KEYS, repeat: args.repeat });
    if (args.dryRun) {
      process.stdout.write(formatPlan(campaign.runs.map(describeRun)));
      return;
    }

    // runTest handles the signal inside a run (stops clients, heals, tears down); this
    // only keeps the next run from starting
    let stop = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (!stop) process.stderr.write(`faultline: ${signal}: the campaign stops after the current run\n`);
      stop = true;
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const total = campaign.runs.length;
    const progress = new TerminalProgress(process.stderr);
    const junit = args.junit === undefined ? null : junitWriter(args.junit);
    try {
      const report = await runCampaign(campaign, {
        runTest: (cfg) => runTest(cfg, { onStatus: (s) => progress.update(s) }).finally(() => progress.clear()),
        stopped: () => stop,
        onRunStart: (r) => {
          const d = describeRun(r);
          progress.prefix = `run ${d.run}/${total} · `;
          process.stdout.write(
            `\n== campaign ${campaign.name}: run ${d.run}/${total}: ${d.workload}, nemesis ${d.nemesis}${d.nodeOpts ? `, node ${d.nodeOpts}` : ''}; expecting ${d.expect}\n`,
          );
        },
        onReport: (report) => junit?.(report),
        onRunEnd: (r, summary) => {
          if (summary) process.stdout.write(formatRunSummary(r.config, summary));
          else process.stdout.write(`run ${r.run} aborted: ${r.error}\n`);
          if (r.dir) process.stdout.write(`${r.dir}\n`);
        },
      });
      process.stdout.write(`\n${formatCampaignReport(report)}`);
      process.stdout.write(`${report.dir}\n`); // as for run: the campaign's directory is the last line
      process.exitCode = report.exitCode ?? 255;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

/**
 * Writes the JUnit report whenever campaign.json is written. The file is created
 * (empty) at once, so a path that cannot be written is refused before the first run.
 */
function junitWriter(file: string): (report: CampaignReport) => void {
  const write = (text: string): void => {
    try {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      writeFileSync(file, text);
    } catch (err) {
      throw new UsageError(`--junit ${JSON.stringify(file)}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
  };
  write('');
  return (report) => write(renderJunit(report, { hostname: hostname() }));
}
