/**
 * The README quick start: `npm start` (infra/dev/src/start/main.ts) brings up the
 * embedded Temporal server on a SQLite file, the worker and the gateway,
 * prints the URLs, serves a chat, and shuts down cleanly on Ctrl-C (SIGINT).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnResult } from '@hub/contracts';
import { repoRoot } from '@hub/runtime';
import { getFreePort } from '@hub/dev';
import { startScriptedLlmServer, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';

let llm: ScriptedLlmServer;
beforeAll(async () => {
  llm = await startScriptedLlmServer();
});
afterAll(async () => llm?.close());

describe('npm start', () => {
  it('starts the whole hub, answers a chat, and stops cleanly on SIGINT', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-start-'));
    const [port, temporalPort, uiPort] = [await getFreePort(), await getFreePort(), await getFreePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/dev/src/start/main.ts'], {
      cwd: repoRoot(),
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: '',
        HUB_DATA_DIR: dataDir,
        PORT: String(port),
        HUB_TEMPORAL_PORT: String(temporalPort),
        HUB_TEMPORAL_UI_PORT: String(uiPort),
        OPENAI_BASE_URL: llm.url,
        OPENAI_API_KEY: 'quick-start-test',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 150_000;
      while (!out.includes('Press Ctrl-C to stop')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not get ready:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(out).toContain(`http://127.0.0.1:${port}`);
      // The Temporal UI is off unless HUB_TEMPORAL_UI=1 (it shows every tenant's history); the banner says so.
      expect(out).toMatch(/Temporal UI: off/);
      expect(out).not.toContain(`http://127.0.0.1:${uiPort}`);
      expect(existsSync(join(dataDir, 'temporal.db'))).toBe(true);

      const res = await fetch(`http://127.0.0.1:${port}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hello from the quick start' }),
      });
      expect(res.status).toBe(201);
      expect(((await res.json()) as { reply: TurnResult }).reply.reply).toBe('You said: hello from the quick start');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/worker stopped/);
    expect(out).toMatch(/temporal stopped/);
  });
});
