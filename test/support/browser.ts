import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); `.ci/run` installs it. No browser is ever downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export const browserMissing = existsSync(CHROMIUM)
  ? undefined
  : `browser tests skipped: ${CHROMIUM} is missing (install it with: apt-get install -y --no-install-recommends chromium)`;

/**
 * Headless Chromium driven by playwright-core. Playwright starts it with a fresh temporary profile
 * (`--user-data-dir`) of its own; the flags keep it from reaching out to the network (there is none here).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
