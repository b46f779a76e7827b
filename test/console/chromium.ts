import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, or the one PAXOS_IDENTITY_CHROMIUM names: the console is tested in it, never a downloaded one. */
const CHROMIUM_PATH = process.env['PAXOS_IDENTITY_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Why the browser suites cannot run here, or undefined when they can. With PAXOS_IDENTITY_REQUIRE_CHROMIUM=1 (CI) a
 * missing browser is a failure, not a skip.
 */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set PAXOS_IDENTITY_CHROMIUM)`;
  if (process.env['PAXOS_IDENTITY_REQUIRE_CHROMIUM'] === '1') throw new Error(reason);
  return reason;
}

/** A headless Chromium with a throwaway profile (playwright's own), without background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * One Chromium for the suite this is called in: launched in its `before` hook (the suite skipped, saying why, when
 * there is none), closed in its `after` hook. Returns a function that reads the browser, because it only exists once
 * the hook has run.
 */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;

  before(async function () {
    const missing = chromiumMissing();
    if (missing !== undefined) {
      console.log(`      skipped: ${missing}`);
      this.skip();
      return;
    }
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  return () => {
    if (browser === undefined) throw new Error('the browser is read before the suite’s before hook launched it');
    return browser;
  };
}
