/** The `browser` provision step (Chromium for the web app's browser tests). */
import type { ProvisionStep } from './step';
import { findOrInstallChromium } from './browser';

export const browserStep: ProvisionStep = {
  name: 'browser',
  description:
    "Chromium for the web app's browser tests (Playwright via playwright-core, no browser download): HUB_CHROMIUM, " +
    '/usr/bin/chromium or PATH, else `apt-get install chromium` as root; skipped with a message without root/apt-get (HUB_SKIP_BROWSER=1 skips).',
  async run({ env, log }) {
    const c = await findOrInstallChromium({ env, log });
    if (c.source === 'skipped') return `Chromium: not installed (${c.reason}); the browser tests (infra/e2e/test/web.test.ts) need it`;
    return `Chromium: ${c.path} (${c.version}; source: ${c.source})`;
  },
};
