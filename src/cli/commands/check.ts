import type { Argv, CommandModule } from 'yargs';
import { exitCodeFor } from '../../../checkers/types.js';
import { modelNames } from '../../../checkers/linearizability/models/index.js';
import { HISTORY_FORMATS } from '../../history/detect.js';
import { type CheckArgs, DEFAULT_MODEL, resolveCheckOptions } from '../check-options.js';
import { runCheck } from '../check-run.js';
import { checkJson, checkSummary } from '../check-summary.js';
import { writeViolationHtml } from '../check-html.js';

/** `faultline check <history>`: is this history linearizable? Exit 0/1/2 by verdict. */
export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <history>',
  describe: 'Check a history (history.jsonl, Jepsen history.edn or log lines) for linearizability',
  builder: (y: Argv) =>
    y
      .positional('history', { type: 'string', describe: 'history file', demandOption: true })
      .option('model', { type: 'string', default: DEFAULT_MODEL, describe: `model: ${modelNames().join(', ')}` })
      .option('initial', { type: 'string', describe: "the model's starting value as JSON (default null)" })
      .option('format', { type: 'string', choices: [...HISTORY_FORMATS], describe: 'history format (default: detected from the content)' })
      .option('nil-read', {
        type: 'string',
        choices: ['value', 'unknown'],
        describe: 'a read of nil: the register is empty (value) or the result is unknown (unknown); default unknown for EDN, value otherwise',
      })
      .option('timeout', { type: 'number', describe: 'seconds before giving up with verdict unknown (exit 2)' })
      .option('memory', { type: 'number', describe: 'MB of search cache before giving up with verdict unknown (default 1024)' })
      .option('partition', { type: 'boolean', default: true, describe: 'check partitions (e.g. keys) apart; --no-partition checks the history whole' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object instead of the summary' })
      .option('html', { type: 'string', describe: 'write a self-contained HTML page explaining the result' }) as unknown as Argv<CheckArgs>,
  handler: async (args) => {
    const opts = resolveCheckOptions(args);
    const report = await runCheck(opts);
    if (opts.html !== undefined) await writeViolationHtml(opts.html, report);
    process.stdout.write(opts.json ? `${JSON.stringify(checkJson(report))}\n` : checkSummary(report));
    if (opts.html !== undefined && !opts.json) process.stdout.write(`html       ${opts.html}\n`);
    process.exitCode = exitCodeFor(report.result.valid);
  },
};
