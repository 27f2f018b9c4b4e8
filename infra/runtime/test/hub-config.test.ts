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
