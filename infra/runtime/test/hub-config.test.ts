import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHubConfig, parseHubConfig } from '../src/hub-config';

describe('hub.config.json', () => {
  it('accepts the Claude Desktop / Cursor mcpServers shape plus hub options', () => {
    const cfg = parseHubConfig(
      JSON.stringify({
        mcpServers: {
          everything: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'], env: { A: '1' } },
          remote: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer x' }, requiresApproval: ['delete_*'] },
        },
        security: { stdioCommandAllowlist: ['npx'] },
      }),
    );
    expect(Object.keys(cfg.mcpServers)).toEqual(['everything', 'remote']);
    expect(cfg.security.allowPrivateHosts).toEqual([]);
  });

  it('accepts providers, models and agent model routes (the shape of the README), and names a bad one', () => {
    const cfg = parseHubConfig(
      JSON.stringify({
        providers: { primary: { baseURL: 'https://api.example/v1', apiKeyEnv: 'PRIMARY_API_KEY' }, backup: { baseURL: 'http://127.0.0.1:11434/v1' } },
        models: {
          smart: { provider: 'primary', model: 'gpt-4o', price: { inputPerMTok: 2.5, outputPerMTok: 10 } },
          cheap: { provider: 'backup', model: 'llama3.2', price: { inputPerMTok: 0, outputPerMTok: 0 } },
          local: { provider: 'default', model: 'qwen' },
        },
        agents: { assistant: { instructions: 'Help.', model: ['smart', 'cheap'] } },
      }),
    );
    expect(cfg.agents['assistant']?.model).toEqual(['smart', 'cheap']);
    expect(cfg.models['smart']?.price).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10 });
    const bad = (v: unknown) => () => parseHubConfig(JSON.stringify(v));
    expect(bad({ models: { m: { provider: 'nowhere', model: 'x' } } })).toThrow(/models\.m\.provider: unknown provider 'nowhere'/);
    expect(bad({ providers: { p: { baseURL: 'https://x/v1', apiKey: 'sk-secret' } } })).toThrow(/providers\.p/);
    expect(bad({ providers: { p: { baseURL: 'https://x/v1', apiKeyEnv: 'sk-not a name' } } })).toThrow(/apiKeyEnv must be an environment variable name/);
    expect(bad({ models: {}, agents: { a: { instructions: 'x', model: ['smart'] } } })).toThrow(/agents\.a\.model\.0: .*'smart' is not one/);
    expect(bad({ agents: { a: { instructions: 'x', model: ['m', 'm'] } } })).toThrow(/names an alias twice/);
  });

  it('names the field of a bad entry', () => {
    expect(() => parseHubConfig(JSON.stringify({ mcpServers: { bad: { url: 'ftp://x' } } }))).toThrow(/mcpServers\.bad/);
    expect(() => parseHubConfig(JSON.stringify({ mcpServers: { s: { command: 'x', args: 'not-a-list' } } }))).toThrow(/mcpServers\.s/);
    expect(() => parseHubConfig(JSON.stringify({ mcpServers: { 'bad name!': { command: 'x' } } }))).toThrow(/mcpServers/);
    expect(() => parseHubConfig('{ nope')).toThrow(/not valid JSON/);
    expect(() => parseHubConfig(JSON.stringify({ mcpServer: {} }))).toThrow(/mcpServer/);
  });

  it('accepts compensations of side-effecting tools and names a bad one', () => {
    const cfg = parseHubConfig(
      JSON.stringify({ compensations: { 'bookings/create_booking': { tool: 'bookings/cancel_booking', args: { bookingId: '$result.bookingId' } } } }),
    );
    expect(cfg.compensations['bookings/create_booking']).toEqual({ tool: 'bookings/cancel_booking', args: { bookingId: '$result.bookingId' } });
    expect(parseHubConfig('{}').compensations).toEqual({});
    expect(() => parseHubConfig(JSON.stringify({ compensations: { 'bookings/create_booking': { args: {} } } }))).toThrow(/compensations\.bookings\/create_booking\.tool/);
  });

  it('reads HUB_CONFIG, and a missing HUB_CONFIG file is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-config-'));
    const file = join(dir, 'hub.config.json');
    writeFileSync(file, JSON.stringify({ mcpServers: { fs: { command: 'node', args: ['x.js'] } } }));
    expect(loadHubConfig({ HUB_CONFIG: file }).mcpServers['fs']).toMatchObject({ command: 'node' });
    expect(() => loadHubConfig({ HUB_CONFIG: join(dir, 'missing.json') })).toThrow(/file not found/);
  });
});
