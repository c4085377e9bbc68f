import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium (docker/host-setup.sh installs it); playwright's own browser downloads cannot work here. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** In CI a missing browser is a failure, not a skip (as for Docker). */
export const REQUIRE_BROWSER = process.env.FAULTLINE_REQUIRE_DOCKER === '1';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** requests that would have left loopback (refused): a self-contained page makes none */
  offsite: string[];
  close(): Promise<void>;
}

/** A headless chromium with a fresh profile (removed on close). Requests leaving loopback are refused: pages must be self-contained. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'faultline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  const offsite: string[] = [];
  await context.route(/^(?!(https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]|about:|data:|blob:|file:))/, (route) => {
    offsite.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  return {
    context,
    offsite,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
