import type { NodeClient } from '../src/controller/client.js';

/**
 * Creates accounts once, retrying through elections: an account that already exists
 * (a retried create that had taken effect) counts as created.
 */
export async function createAccounts(
  client: NodeClient,
  url: string,
  clientId: string,
  accounts: { account: string; cash: number; positions?: Record<string, number> }[],
): Promise<void> {
  for (const [i, a] of accounts.entries()) {
    for (let attempt = 0; ; attempt++) {
      const r = await client.command(url, clientId, i + 1, { type: 'account.create', ...a });
      if (r.type === 'ok' || (r.type === 'fail' && r.error === 'account-exists')) break;
      if (attempt >= 50) throw new Error(`could not create account ${a.account}: ${r.type} ${'error' in r ? r.error : ''}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}
