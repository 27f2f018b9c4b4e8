/**
 * IPv6 addresses that carry an IPv4 address inside (issue 11, #9): the SSRF
 * guard judges them by the IPv4 they embed, and never takes one for public.
 */
import { describe, expect, it } from 'vitest';
import { McpSafetyError, addressRange, assertUrlAllowed, guardedLookup, type LookupAll } from '../../src/mcp';

const answers = (address: string): LookupAll => async () => [{ address, family: address.includes(':') ? 6 : 4 }];

describe('IPv6 forms of IPv4 addresses', () => {
  it.each([
    ['http://[::7f00:1]/', 'IPv4-compatible 127.0.0.1 (loopback)'],
    ['http://[::a9fe:a9fe]/', 'IPv4-compatible 169.254.169.254 (linkLocal)'],
    ['http://[::0a00:1]/', 'IPv4-compatible 10.0.0.1 (private)'],
    ['http://[::808:808]/', 'IPv4-compatible 8.8.8.8 (unicast)'], // deprecated form: refused even for a public IPv4
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[::ffff:0:7f00:1]/', 'IPv4-translated 127.0.0.1 (loopback)'],
    ['http://[64:ff9b::7f00:1]/', 'NAT64 127.0.0.1 (loopback)'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'NAT64 169.254.169.254 (linkLocal)'],
    ['http://[64:ff9b:1::a00:1]/', 'NAT64 10.0.0.1 (private)'],
    ['http://[2002:7f00:1::]/', '6to4 127.0.0.1 (loopback)'],
    ['http://[2002:a9fe:a9fe::1]/', '6to4 169.254.169.254 (linkLocal)'],
    ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'Teredo 127.0.0.1 (loopback)'],
    ['http://[0:0:0:0:0:0:7f00:1]/', 'IPv4-compatible 127.0.0.1 (loopback)'],
    ['http://[100::1]/', 'discard'],
    ['http://[1::1]/', 'reserved'],
  ])('refuses %s (%s)', async (url, range) => {
    const err = await assertUrlAllowed(url, []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(McpSafetyError);
    expect((err as Error).message).toContain(`(${range})`);
  });

  it('names the embedded address in the range', () => {
    expect(addressRange('::7f00:1')).toBe('IPv4-compatible 127.0.0.1 (loopback)');
    expect(addressRange('::1')).toBe('loopback');
    expect(addressRange('::')).toBe('unspecified');
    expect(addressRange('2606:4700:4700::1111')).toBe('unicast');
  });

  it('refuses a host name whose AAAA answer embeds a loopback address, also at connect time', async () => {
    await expect(assertUrlAllowed('http://sneaky.test/', [], answers('::7f00:1'))).rejects.toThrow(/IPv4-compatible 127\.0\.0\.1/);
    const lookup = guardedLookup([], answers('64:ff9b::7f00:1'));
    const err = await new Promise((resolve) => lookup('sneaky.test', {}, (e) => resolve(e)));
    expect(err).toBeInstanceOf(McpSafetyError);
  });

  it('still allows public IPv6 addresses, and what the operator allowlists', async () => {
    await expect(assertUrlAllowed('http://[2606:4700:4700::1111]/', [])).resolves.toEqual(['2606:4700:4700::1111']);
    await expect(assertUrlAllowed('http://[64:ff9b::808:808]/', ['64:ff9b::/96'])).resolves.toHaveLength(1);
  });
});
