import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { CampaignError } from '../../campaign/errors.js';
import { runCampaign } from '../../campaign/execute.js';
import { parseCampaign } from '../../campaign/parse.js';
import { describeRun } from '../../campaign/report.js';
import { RUN_KEYS } from '../../campaign/run-keys.js';
import { formatCampaignReport, formatPlan } from '../../campaign/table.js';
import { runTest } from '../../controller/run.js';
import { formatRunSummary } from '../../controller/summary.js';

interface CampaignArgs {
  campaignFile: string;
  store: string;
  dryRun: boolean;
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
      .positional('campaign-file', { type: 'string', demandOption: true, describe: 'JSON: {"name", "defaults": {run options}, "runs": [{run options, "expect": "valid|invalid|unknown"}]}' })
      .option('store', { type: 'string', default: 'results', describe: 'results store directory (runs and campaign.json)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'validate the file and print the runs without starting any' }) as unknown as Argv<CampaignArgs>,
  handler: async (args) => {
    const file = args.campaignFile;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new CampaignError(file, '', `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
    const campaign = parseCampaign(text, { file, store: args.store, keys: RUN_KEYS });
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
    try {
      const report = await runCampaign(campaign, {
        runTest,
        stopped: () => stop,
        onRunStart: (r) => {
          const d = describeRun(r);
          process.stdout.write(`\n== campaign ${campaign.name}: run ${d.run}/${total}: ${d.workload}, nemesis ${d.nemesis}${d.nodeOpts ? `, node ${d.nodeOpts}` : ''}; expecting ${d.expect}\n`);
        },
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
