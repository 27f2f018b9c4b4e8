/**
 * A real stdio child (server-everything's `get-env` tool prints its
 * process.env) sees PATH, HOME and its entry's own env, never the worker's
 * secrets (issue 11, #1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpConnectionManager } from '../../src/mcp';
import { stdioEnvironment } from '../../src/mcp/transports';
import { everythingStdioConfig } from './helpers';

const SECRETS = { HUB_API_KEYS: 'tenant-a:sk-secret', OPENAI_API_KEY: 'sk-openai-secret', TEMPORAL_API_KEY: 'tmprl-secret', HUB_CODEC_KEYS: 'k1:abc' };
const saved: Record<string, string | undefined> = {};
const manager = new McpConnectionManager();

beforeAll(() => {
  for (const [k, v] of Object.entries(SECRETS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterAll(async () => {
  await manager.closeAll();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('the environment of a stdio server', () => {
  it('has no secret of the worker, and has the entry env', async () => {
    const conn = await manager.get('everything', { ...everythingStdioConfig(), env: { ENTRY_VAR: 'from-entry' } }, { allowPrivateHosts: [] });
    const res = await conn.callTool('get-env', {});
    const text = (res.content as { type: string; text: string }[]).map((c) => c.text).join('');
    const env = JSON.parse(text) as Record<string, string>;
    for (const key of Object.keys(SECRETS)) expect(env).not.toHaveProperty(key);
    expect(text).not.toContain('secret');
    expect(env.ENTRY_VAR).toBe('from-entry');
    expect(env.PATH).toBe(process.env.PATH);
    // Nothing beyond PATH/HOME, the entry's env and the SDK's sudo-like defaults (and what node itself may add).
    const allowed = new Set(['PATH', 'HOME', 'ENTRY_VAR', 'LOGNAME', 'SHELL', 'TERM', 'USER']);
    expect(Object.keys(env).filter((k) => !allowed.has(k))).toEqual([]);
  });

  it('is built from PATH and HOME only', () => {
    expect(stdioEnvironment({ env: { A: '1' } }, { PATH: '/bin', HOME: '/h', HUB_API_KEYS: 'x', OPENAI_API_KEY: 'y' })).toEqual({ PATH: '/bin', HOME: '/h', A: '1' });
  });
});
