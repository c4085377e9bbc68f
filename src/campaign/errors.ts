import { ExitCode, FaultlineError } from '../util/errors.js';

/**
 * A campaign file that cannot be run as written: the message names the file and
 * where in it (`runs[2].nodeOpt`). Exit 254, like every bad input.
 */
export class CampaignError extends FaultlineError {
  constructor(
    readonly file: string,
    readonly where: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('E_CAMPAIGN', `${file}: ${where ? `${where}: ` : ''}${message}`, ExitCode.badInput, options);
  }
}
