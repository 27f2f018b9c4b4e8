import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { McpStdioServerConfig } from '@hub/contracts';
import type { ToolContext, ToolProgress } from '../../src';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const repoRoot = resolve(here, '../../..');
export const pinboardMain = join(repoRoot, 'tools/servers/pinboard/src/main.ts');
export const everythingMain = join(dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')), 'dist/index.js');
export const filesystemMain = join(dirname(require.resolve('@modelcontextprotocol/server-filesystem/package.json')), 'dist/index.js');
const loopbackOnly = pathToFileURL(join(here, 'fixtures/loopback-only.mjs')).href;

/** A pinboard stdio server config (run with this node and tsx). */
export function pinboardConfig(env: Record<string, string>): McpStdioServerConfig {
  return { command: process.execPath, args: ['--import', 'tsx', pinboardMain], env, cwd: repoRoot };
}

export function everythingStdioConfig(): McpStdioServerConfig {
  return { command: process.execPath, args: [everythingMain, 'stdio'] };
}

/** A ToolContext recording heartbeats and progress. */
export function toolCtx(over: Partial<ToolContext> = {}): ToolContext & { heartbeats: unknown[]; progress: ToolProgress[] } {
  const heartbeats: unknown[] = [];
  const progress: ToolProgress[] = [];
  return {
    idempotencyKey: 'session/acme/s1/turn-1/tool/call-1',
    signal: new AbortController().signal,
    heartbeat: (d?: unknown) => void heartbeats.push(d),
    onProgress: (p) => void progress.push(p),
    tenant: 'acme',
    ...over,
    heartbeats,
    progress,
  };
}

/** Polls `fn` until it returns a truthy value (bounded). */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface HttpServerProcess {
  port: number;
  host: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts server-everything in `streamableHttp` or `sse` mode on a free loopback port. */
export async function startEverythingHttp(mode: 'streamableHttp' | 'sse'): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, ['--import', loopbackOnly, everythingMain, mode], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(t);
  };
  try {
    const { port, host } = await new Promise<{ port: number; host: string }>((res, rej) => {
      let buf = '';
      const timer = setTimeout(() => rej(new Error(`server-everything ${mode} did not start: ${buf}`)), 15_000);
      child.stderr!.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /LOOPBACK_PORT=(\d+) host=(\S+)/.exec(buf);
        if (m) {
          clearTimeout(timer);
          res({ port: Number(m[1]), host: m[2]! });
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`server-everything ${mode} exited (${code}): ${buf}`));
      });
    });
    return { port, host, child, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
