/**
 * The web app (apps/web) served by the gateway at `/`: the built assets
 * (apps/web/dist) as static files, with a fallback to index.html for other
 * browser GETs (client-side routes). API routes (/v1/…), /mcp, /openapi.json,
 * /healthz and /readyz are never touched; static assets need no API key (the
 * app asks for one and sends it to the API, which keeps its auth).
 *
 * `ensureWebAssets` builds the app (Vite) when dist/index.html is missing, so
 * `npm start` / `npm run gateway` work in a fresh checkout.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import type { MiddlewareHandler } from 'hono';
import { repoRoot } from '@hub/runtime';
import type { Logger } from './log';

export interface WebAssetsOptions {
  /** Directory of the built app (with index.html). */
  dir: string;
}

/** Paths that belong to the API (never served from the web app, never given the SPA fallback). */
const API_PREFIXES = ['/v1/', '/mcp', '/a2a/'];
const API_PATHS = new Set(['/v1', '/mcp', '/a2a', '/openapi.json', '/healthz', '/readyz']);

export function isApiPath(path: string): boolean {
  return API_PATHS.has(path) || API_PREFIXES.some((p) => path.startsWith(p));
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

function contentType(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 && CONTENT_TYPES[path.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

function fileIn(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = normalize(join(root, decoded));
  if (full !== root && !full.startsWith(root + sep)) return undefined; // no way out of the dist directory
  try {
    return statSync(full).isFile() ? full : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Middleware answering GET/HEAD for non-API paths from the built app; everything
 * else goes on to the API (register it before the auth middleware).
 */
export function serveWebApp(opts: WebAssetsOptions): MiddlewareHandler {
  const root = resolve(opts.dir);
  return async (c, next) => {
    const method = c.req.method;
    const path = c.req.path;
    if ((method !== 'GET' && method !== 'HEAD') || isApiPath(path)) return next();
    let file = path === '/' ? undefined : fileIn(root, path);
    let fallback = false;
    if (!file) {
      // Client-side routes get index.html; a missing asset (has an extension) is a plain 404.
      const last = path.slice(path.lastIndexOf('/') + 1);
      file = last.includes('.') ? undefined : fileIn(root, '/index.html');
      fallback = true;
      if (!file) return c.json({ error: { code: 'not_found' as const, message: `no file ${path} in the web app` } }, 404);
    }
    const body = readFileSync(file);
    const immutable = !fallback && path.startsWith('/assets/'); // Vite's hashed file names
    const headers = {
      'content-type': contentType(file),
      'content-length': String(body.length),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    };
    return method === 'HEAD' ? c.body(null, 200, headers) : c.body(new Uint8Array(body), 200, headers);
  };
}

/** apps/web/dist of this checkout, or HUB_WEB_DIR. */
export function webDistDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['HUB_WEB_DIR']?.trim() || join(repoRoot(), 'apps', 'web', 'dist');
}

/**
 * Makes sure the built web app is there: builds apps/web with Vite when
 * dist/index.html is missing (into a temporary directory, then renamed, so a
 * concurrent reader never sees half a build). Returns the directory, or
 * undefined when there is no app to serve (build failed, or HUB_WEB=off).
 */
export async function ensureWebAssets(log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (env['HUB_WEB'] === 'off' || env['HUB_WEB'] === '0') {
    log.info('web app disabled (HUB_WEB=off); serving the API only');
    return undefined;
  }
  const dist = webDistDir(env);
  if (existsSync(join(dist, 'index.html'))) return dist;
  if (env['HUB_WEB_DIR']?.trim()) {
    log.warn('HUB_WEB_DIR has no index.html; serving the API only', { dir: dist });
    return undefined;
  }
  const webRoot = join(repoRoot(), 'apps', 'web');
  let viteBin: string;
  try {
    viteBin = join(dirname(createRequire(join(webRoot, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    log.warn('web app not built and Vite is not installed (npm install); serving the API only', { dir: dist });
    return undefined;
  }
  const tmp = `${dist}.build-${process.pid}-${randomUUID().slice(0, 8)}`;
  log.info('web app not built yet: building apps/web with Vite (npm run web:build) …', { outDir: dist });
  const started = Date.now();
  const output: string[] = [];
  const code = await new Promise<number | null>((done) => {
    const proc = spawn(process.execPath, [viteBin, 'build', '--outDir', tmp, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: webRoot,
      env: { ...env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout.on('data', (b: Buffer) => output.push(b.toString('utf8')));
    proc.stderr.on('data', (b: Buffer) => output.push(b.toString('utf8')));
    proc.once('error', () => done(null));
    proc.once('exit', (c) => done(c));
  });
  if (code !== 0 || !existsSync(join(tmp, 'index.html'))) {
    rmSync(tmp, { recursive: true, force: true });
    log.warn('building the web app failed; serving the API only', { exitCode: code, output: output.join('').slice(-2000) });
    return undefined;
  }
  try {
    if (existsSync(join(dist, 'index.html'))) throw new Error('built meanwhile');
    rmSync(dist, { recursive: true, force: true });
    renameSync(tmp, dist);
  } catch (err) {
    // Another process (a second gateway) built it meanwhile: use theirs.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dist, 'index.html'))) {
      log.warn('installing the built web app failed; serving the API only', { dir: dist, err: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  }
  log.info('web app built', { dir: dist, ms: Date.now() - started });
  return dist;
}
