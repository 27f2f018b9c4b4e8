import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isToolError } from '../../src';
import { McpSafetyError, assertStdioAllowed, assertUrlAllowed, guardedFetch, type LookupAll } from '../../src/mcp';

/** A DNS that knows a few names (and counts questions). */
function fakeDns(table: Record<string, string[] | (() => string[])>): LookupAll & { asked: string[] } {
  const asked: string[] = [];
  const fn = async (hostname: string) => {
    asked.push(hostname);
    const entry = table[hostname];
    if (!entry) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const addrs = typeof entry === 'function' ? entry() : entry;
    return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(fn, { asked });
}

const dns = fakeDns({
  'public.test': ['93.184.216.34'],
  'private.test': ['10.0.0.1'],
  'loop.test': ['127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'v6loop.test': ['::1'],
  'ula.test': ['fc00::'],
  'mixed.test': ['93.184.216.34', '10.1.2.3'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'cgnat.test': ['100.64.0.1'],
});

describe('assertStdioAllowed', () => {
  it('allows exactly the listed commands', () => {
    expect(() => assertStdioAllowed('npx', ['npx', 'uvx'])).not.toThrow();
    expect(() => assertStdioAllowed('/usr/bin/npx', ['npx'])).toThrow(McpSafetyError);
  });

  it('names the command and how to allow it', () => {
    const err = (() => {
      try {
        assertStdioAllowed('bash', []);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(McpSafetyError);
    expect(err!.message).toContain('"bash"');
    expect(err!.message).toContain('stdioCommandAllowlist');
    expect(isToolError(err)).toBe(true); // the model is told, the activity is not retried
  });
});

describe('assertUrlAllowed', () => {
  it.each([
    'http://10.0.0.1/mcp',
    'http://127.0.0.1:8080/mcp',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/mcp',
    'http://[fc00::]/mcp',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0/',
    'http://2130706433/', // 127.0.0.1 written as a number (normalised by URL)
    'http://private.test/mcp',
    'http://loop.test/mcp',
    'http://metadata.test/',
    'http://v6loop.test/',
    'http://ula.test/',
    'http://mapped.test/',
    'http://cgnat.test/',
    'http://mixed.test/', // one private address is enough
  ])('refuses %s', async (url) => {
    await expect(assertUrlAllowed(url, [], dns)).rejects.toBeInstanceOf(McpSafetyError);
  });

  it('allows public addresses', async () => {
    await expect(assertUrlAllowed('https://93.184.216.34/mcp', [], dns)).resolves.toEqual(['93.184.216.34']);
    await expect(assertUrlAllowed('https://public.test/mcp', [], dns)).resolves.toEqual(['93.184.216.34']);
  });

  it('explains how to allow a refused host', async () => {
    await expect(assertUrlAllowed('http://private.test:9000/mcp', [], dns)).rejects.toThrow(
      /private\.test.*10\.0\.0\.1.*security\.allowPrivateHosts/,
    );
  });

  it('allows listed hosts, addresses and CIDR ranges', async () => {
    await expect(assertUrlAllowed('http://private.test/', ['PRIVATE.test'], dns)).resolves.toBeDefined();
    await expect(assertUrlAllowed('http://private.test/', ['10.0.0.1'], dns)).resolves.toEqual(['10.0.0.1']);
    await expect(assertUrlAllowed('http://10.0.0.1/', ['10.0.0.1'], dns)).resolves.toEqual(['10.0.0.1']);
    await expect(assertUrlAllowed('http://private.test/', ['10.0.0.0/8'], dns)).resolves.toEqual(['10.0.0.1']);
    await expect(assertUrlAllowed('http://ula.test/', ['fc00::/7'], dns)).resolves.toEqual(['fc00::']);
    await expect(assertUrlAllowed('http://[::1]/', ['::1'], dns)).resolves.toEqual(['::1']);
    // mixed.test: 10.1.2.3 is in the range, 93.184.216.34 is public
    await expect(assertUrlAllowed('http://mixed.test/', ['10.0.0.0/8'], dns)).resolves.toHaveLength(2);
  });

  it('does not let an entry allow more than it says', async () => {
    await expect(assertUrlAllowed('http://private.test/', ['10.0.0.2'], dns)).rejects.toBeInstanceOf(McpSafetyError);
    await expect(assertUrlAllowed('http://private.test/', ['192.168.0.0/16'], dns)).rejects.toBeInstanceOf(McpSafetyError);
    await expect(assertUrlAllowed('http://loop.test/', ['private.test'], dns)).rejects.toBeInstanceOf(McpSafetyError);
    await expect(assertUrlAllowed('http://127.0.0.1/', ['loop.test'], dns)).rejects.toBeInstanceOf(McpSafetyError);
  });

  it('refuses other schemes', async () => {
    await expect(assertUrlAllowed('file:///etc/passwd', [], dns)).rejects.toBeInstanceOf(McpSafetyError);
  });

  it('an unresolvable host is a (retryable) plain error, not a safety refusal', async () => {
    const err = await assertUrlAllowed('http://nowhere.test/', [], dns).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(McpSafetyError);
  });
});

describe('guardedFetch', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const host = `http://internal.test:${port}`;
      if (req.url === '/ok') return void res.end('ok');
      if (req.url === '/redirect-internal') return void res.writeHead(302, { location: `${host}/secret` }).end();
      if (req.url === '/redirect-self') return void res.writeHead(307, { location: '/ok' }).end();
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (req.url === '/secret') return void res.end('secret');
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  // "localhost" (only that name) is allowed; internal.test also points at 127.0.0.1 but is not allowed.
  const lookup = fakeDns({ localhost: ['127.0.0.1'], 'internal.test': ['127.0.0.1'] });

  it('fetches from an allowlisted host and follows redirects that stay allowed', async () => {
    const f = guardedFetch(['localhost'], { lookup });
    try {
      expect(await (await f(`http://localhost:${port}/ok`)).text()).toBe('ok');
      expect(await (await f(`http://localhost:${port}/redirect-self`)).text()).toBe('ok');
    } finally {
      await f.close();
    }
  });

  it('refuses a redirect to a private host, without requesting it', async () => {
    const f = guardedFetch(['localhost'], { lookup });
    hits.length = 0;
    try {
      await expect(f(`http://localhost:${port}/redirect-internal`)).rejects.toThrow(McpSafetyError);
      expect(hits).toEqual(['/redirect-internal']);
    } finally {
      await f.close();
    }
  });

  it('returns the redirect as is for redirect: "manual" (the SDK follows same-origin redirects itself)', async () => {
    const f = guardedFetch(['localhost'], { lookup });
    try {
      const res = await f(`http://localhost:${port}/redirect-internal`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      await res.body?.cancel();
    } finally {
      await f.close();
    }
  });

  it('stops after 5 redirects', async () => {
    const f = guardedFetch(['localhost'], { lookup });
    try {
      await expect(f(`http://localhost:${port}/loop`)).rejects.toThrow(/more than 5 redirects/);
    } finally {
      await f.close();
    }
  });

  it('refuses a private host that is not allowlisted', async () => {
    const f = guardedFetch([], { lookup });
    try {
      await expect(f(`http://127.0.0.1:${port}/ok`)).rejects.toThrow(McpSafetyError);
      await expect(f(`http://localhost:${port}/ok`)).rejects.toThrow(McpSafetyError);
    } finally {
      await f.close();
    }
  });

  it('checks the addresses it connects to (DNS rebinding between check and connect)', async () => {
    let n = 0;
    // First answer public (passes the up-front check), then the private address.
    const rebinding = fakeDns({ 'rebind.test': () => (n++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']) });
    const f = guardedFetch([], { lookup: rebinding });
    hits.length = 0;
    try {
      await expect(f(`http://rebind.test:${port}/secret`)).rejects.toThrow(McpSafetyError);
      expect(hits).toEqual([]);
      expect(rebinding.asked.length).toBeGreaterThanOrEqual(2);
    } finally {
      await f.close();
    }
  });
});
