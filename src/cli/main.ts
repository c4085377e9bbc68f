import { hideBin } from 'yargs/helpers';
import type { CommandModule } from 'yargs';
import { runCli } from './run-cli.js';

// Every command is one file in ./commands exporting a yargs CommandModule.
// To add a command: add its import line here and its name to COMMANDS below.
import { campaignCommand } from './commands/campaign.js';
import { checkCommand } from './commands/check.js';
import { clusterCommand } from './commands/cluster.js';
import { compareCommand } from './commands/compare.js';
import { imageCommand } from './commands/image.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';

const COMMANDS: CommandModule<any, any>[] = [
  checkCommand,
  runCommand,
  clusterCommand,
  imageCommand,
  serveCommand,
  campaignCommand,
  compareCommand,
];

await runCli(hideBin(process.argv), COMMANDS);
