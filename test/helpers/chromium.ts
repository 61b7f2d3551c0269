/**
 * Debian's Chromium for the browser tests, driven by playwright-core: one place for where it is,
 * how it is started, and that nothing it loads may come from off this machine.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why a browser test cannot run here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is not installed (npm test installs it where apt works)`;
}

const FLAGS = [
  '--headless',
  '--no-sandbox', // as root in a container
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a throwaway profile; `close()` ends it and removes the profile. */
export async function launchChromium(
  viewport = { width: 1200, height: 900 },
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'convlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Lets the context's pages reach only this machine; returns the URLs they tried elsewhere. */
export async function blockOutsideRequests(context: BrowserContext): Promise<string[]> {
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'file:' || url.protocol === 'data:' || url.hostname === '127.0.0.1')
      return route.continue();
    blocked.push(url.href);
    return route.abort();
  });
  return blocked;
}
