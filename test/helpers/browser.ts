import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); Playwright's own download cannot run here. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium, or returns `null` (after one clear line) when it is not
 * installed — unless `TESSERA_REQUIRE_BROWSER=1`, set by `.ci/run`, where a missing browser fails.
 */
export async function launchChromiumOrSkip(): Promise<Browser | null> {
  if (!existsSync(CHROMIUM_PATH)) {
    if (process.env['TESSERA_REQUIRE_BROWSER'] === '1') throw new Error(`Chromium is required (TESSERA_REQUIRE_BROWSER=1) but ${CHROMIUM_PATH} does not exist: apt-get install -y chromium`);
    console.warn(`[tessera tests] skipping browser tests: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    return null;
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
