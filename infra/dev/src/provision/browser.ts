/**
 * Debian's Chromium for the browser tests (Playwright through playwright-core
 * drives it; no browser download): found at HUB_CHROMIUM, /usr/bin/chromium or
 * on PATH, else installed with `apt-get install chromium` (non-interactive,
 * as root). Without root or apt-get the step says so and how to fix it.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Launch flags for headless Chromium on a machine with a closed network and as
 * root: no sandbox (root), no GPU, and no background connections to Google's
 * services (they would fail, many at a time).
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CANDIDATES = ['chromium', 'chromium-browser'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium binary to use, or undefined. HUB_CHROMIUM wins. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env['HUB_CHROMIUM']?.trim();
  if (override) return executable(override) ? override : undefined;
  if (executable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    for (const name of CANDIDATES) {
      const p = join(dir, name);
      if (dir && executable(p)) return p;
    }
  }
  return undefined;
}

export async function chromiumVersion(path: string): Promise<string> {
  try {
    const { stdout } = await run(path, ['--version'], { timeout: 30_000 });
    return stdout.trim();
  } catch {
    return 'version unknown';
  }
}

export interface ChromiumProvision {
  path?: string;
  version?: string;
  source: 'env' | 'system' | 'apt' | 'skipped';
  /** Why it was skipped. */
  reason?: string;
}

/** Finds Chromium or installs Debian's package; never throws for "can't install here", it reports it. */
export async function findOrInstallChromium(o: { env: NodeJS.ProcessEnv; log: (msg: string) => void }): Promise<ChromiumProvision> {
  const found = findChromium(o.env);
  if (found) return { path: found, version: await chromiumVersion(found), source: o.env['HUB_CHROMIUM']?.trim() ? 'env' : 'system' };
  if (o.env['HUB_CHROMIUM']?.trim()) {
    throw new Error(`HUB_CHROMIUM=${o.env['HUB_CHROMIUM']} is not an executable file`);
  }
  if (o.env['HUB_SKIP_BROWSER'] === '1') return { source: 'skipped', reason: 'HUB_SKIP_BROWSER=1' };
  const aptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find(executable);
  if (!aptGet) {
    return { source: 'skipped', reason: 'apt-get is not available: install Chromium yourself and set HUB_CHROMIUM=/path/to/chromium' };
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { source: 'skipped', reason: 'not root: run `sudo apt-get install chromium` (or set HUB_CHROMIUM=/path/to/chromium)' };
  }
  const aptEnv = { ...o.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run(aptGet, ['install', '-y', '-q', '--no-install-recommends', 'chromium'], { env: aptEnv, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  o.log('Chromium not found; installing Debian package chromium with apt-get (for the browser tests) …');
  try {
    await install();
  } catch {
    o.log('apt-get install failed; running apt-get update and trying again …');
    await run(aptGet, ['update', '-q'], { env: aptEnv, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    try {
      await install();
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`apt-get install chromium failed: ${(e.stderr ?? e.message).trim().split('\n').slice(-5).join('\n')}`);
    }
  }
  const path = findChromium(o.env);
  if (!path) throw new Error('apt-get installed chromium, but no chromium binary was found afterwards');
  return { path, version: await chromiumVersion(path), source: 'apt' };
}
