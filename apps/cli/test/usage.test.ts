/**
 * `hub usage` and `hub budget …` without a hub: the commands against a tiny fake gateway (requests, bodies,
 * Idempotency-Key, exit codes), their usage errors, and the usage and budget renderers.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Schema } from '@hub/gateway/client';
import { main } from '../src/run';
import { EXIT } from '../src/errors';
import { renderUsage } from '../src/commands/usage';
import { renderBudget } from '../src/commands/budget';

async function hub(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(args, { stdout, stderr, stdin: new PassThrough(), env });
  return { code, stdout: out, stderr: err };
}

const row = (over: Partial<Schema<'UsageRow'>>, calls: number, usd: number): Schema<'UsageRow'> => ({
  ...over,
  calls,
  promptTokens: calls * 100,
  completionTokens: calls * 20,
  totalTokens: calls * 120,
  usd,
});
const usage: Schema<'Usage'> = {
  from: '2026-01-01',
  to: '2026-01-30',
  groupBy: ['agent', 'model'],
  rows: [row({ agent: 'assistant', model: 'smart' }, 3, 0.0123), row({ agent: 'researcher', model: 'cheap' }, 10, 0.002)],
  total: row({}, 13, 0.0143),
  caller: { tenant: 'acme', admin: false },
};
const state = (over: Partial<Schema<'BudgetState'>> = {}): Schema<'BudgetState'> => ({
  tenant: 'acme',
  source: 'admin',
  limits: { usd: 10, period: 'day', rpm: 60 },
  periodStart: '2026-01-05T00:00:00.000Z',
  periodEnd: '2026-01-06T00:00:00.000Z',
  spent: { usd: 1.5, tokens: 12_000, calls: 4 },
  toppedUp: { usd: 0, tokens: 0 },
  reserved: { usd: 0, tokens: 0, leases: 0, blocks: 0 },
  queued: 0,
  exhausted: false,
  waiting: 0,
  abandoned: 0,
  ...over,
});

describe('hub usage and hub budget: help and usage errors', () => {
  it('--help works on every command and explains admin keys and the budgets section', async () => {
    for (const args of [['usage'], ['budget'], ['budget', 'show'], ['budget', 'set'], ['budget', 'topup']]) {
      const r = await hub([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(EXIT.ok);
      expect(r.stdout, args.join(' ')).toMatch(new RegExp(`^Usage: hub ${args.join(' ')}`));
    }
    expect((await hub(['usage', '--help'])).stdout).toMatch(/--group-by <groups>[\s\S]*HUB_ADMIN_KEYS/);
    expect((await hub(['budget', '--help'])).stdout).toMatch(/"budgets" section[\s\S]*HUB_ADMIN_KEYS/);
    expect((await hub(['--help'])).stdout).toMatch(/usage \[options\]\s+LLM usage[\s\S]*budget\s+Budgets/);
  });

  it('usage errors exit 2: bad dates and groups, set without limits, topup without an amount, negative dollars', async () => {
    for (const args of [
      ['usage', '--from', 'yesterday'],
      ['usage', '--to', '2026-13-45'],
      ['usage', '--group-by', 'agent,foo'],
      ['budget', 'set', 'acme'],
      ['budget', 'set', 'acme', '--clear', '--usd', '1'],
      ['budget', 'set', 'acme', '--period', 'week'],
      ['budget', 'topup', 'acme'],
      ['budget', 'topup', 'acme', '--usd', '-1'],
      ['budget', 'topup', 'acme', '--tokens', '1.5'],
      ['budget', 'topup'],
    ]) {
      const r = await hub(args);
      expect(r.code, args.join(' ')).toBe(EXIT.usage);
      expect(r.stderr, args.join(' ')).not.toBe('');
    }
  });
});

describe('hub usage and hub budget against a fake gateway', () => {
  let server: Server;
  let url = '';
  const seen: { method: string; url: string; body?: unknown; idem?: string }[] = [];
  const readBody = (req: IncomingMessage) =>
    new Promise<unknown>((resolve) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => resolve(raw ? JSON.parse(raw) : undefined));
    });
  beforeAll(async () => {
    server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        seen.push({ method: req.method!, url: req.url!, ...(body !== undefined ? { body } : {}), ...(req.headers['idempotency-key'] ? { idem: String(req.headers['idempotency-key']) } : {}) });
        res.setHeader('content-type', 'application/json');
        const send = (status: number, data: unknown) => {
          res.statusCode = status;
          res.end(JSON.stringify(data));
        };
        const path = (req.url ?? '').split('?')[0];
        if (req.method === 'GET' && path === '/v1/usage') return send(200, usage);
        if (req.method === 'GET' && path === '/v1/budgets/acme') return send(200, state());
        if (req.method === 'GET' && path === '/v1/budgets/other') return send(403, { error: { code: 'forbidden', message: "the budget of tenant 'other' needs an admin key (one of HUB_ADMIN_KEYS)" } });
        if (req.method === 'PUT' && path === '/v1/budgets/acme') {
          const limits = (body as { limits: Schema<'BudgetLimits'> | null }).limits;
          return send(200, limits ? state({ limits }) : state({ source: 'none', limits: undefined }));
        }
        if (req.method === 'POST' && path === '/v1/budgets/acme/topup') {
          const t = body as { usd?: number; tokens?: number };
          return send(200, state({ toppedUp: { usd: t.usd ?? 0, tokens: t.tokens ?? 0 } }));
        }
        if (path === '/v1/budgets/off/topup') return send(409, { error: { code: 'conflict', message: 'budgets are off: add a `budgets` section to hub.config.json' } });
        send(404, { error: { code: 'not_found', message: 'no such route' } });
      })();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => void (seen.length = 0));

  const run = (...args: string[]) => hub(['--url', url, '--api-key', 'k', ...args]);

  it('usage sends the range, groups and tenant; prints the table and the total with $ cost, or JSON', async () => {
    const r = await run('usage', '--from', '2026-01-01', '--to', '2026-01-30', '--group-by', 'agent, model', '--tenant', 'acme');
    expect(r.code).toBe(EXIT.ok);
    const q = new URL(seen[0]!.url, url).searchParams;
    expect(Object.fromEntries(q)).toEqual({ from: '2026-01-01', to: '2026-01-30', groupBy: 'agent,model', tenant: 'acme' });
    expect(r.stdout).toMatch(/^AGENT\s+MODEL\s+CALLS\s+PROMPT\s+COMPLETION\s+TOKENS\s+COST\nassistant\s+smart\s+3\s+300\s+60\s+360\s+\$0\.0123\n/);
    expect(r.stdout).toMatch(/TOTAL\s+13\s+1,300\s+260\s+1,560\s+\$0\.0143/);
    expect(r.stdout).toContain('Total 2026-01-01 to 2026-01-30: 13 calls, 1,560 tokens, $0.0143');
    expect(JSON.parse((await run('usage', '--json')).stdout)).toEqual(usage);
    expect(new URL(seen.at(-1)!.url, url).search).toBe('');
  });

  it("budget show prints the tenant's budget; another tenant's without an admin key exits 3 with the gateway's reason", async () => {
    const r = await run('budget', 'show', 'acme');
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('Budget of acme  (limits: set by an admin)');
    expect(r.stdout).toContain('Limits:    $10.0000 per day; 60 requests/min per provider');
    expect(r.stdout).toContain('Spent:     $1.5000, 12,000 tokens, 4 calls');
    const denied = await run('budget', 'show', 'other');
    expect(denied.code).toBe(EXIT.api);
    expect(denied.stderr).toMatch(/budget of other: .*needs an admin key/);
  });

  it('budget set PUTs the limits given (or null with --clear)', async () => {
    const r = await run('budget', 'set', 'acme', '--usd', '12.5', '--tokens', '100000', '--period', 'month', '--rpm', '30', '--tpm', '50000');
    expect(r.code).toBe(EXIT.ok);
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/v1/budgets/acme', body: { limits: { usd: 12.5, tokens: 100000, period: 'month', rpm: 30, tpm: 50000 } } });
    expect(r.stdout).toContain('Set the limits of acme.');
    expect(r.stdout).toContain('$12.5000, 100,000 tokens per month');
    const cleared = await run('budget', 'set', 'acme', '--clear');
    expect(cleared.code).toBe(EXIT.ok);
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', body: { limits: null } });
  });

  it('budget topup POSTs the amount with an Idempotency-Key (given, or a new one); a 409 says to add the budgets section', async () => {
    const r = await run('budget', 'topup', 'acme', '--usd', '5', '--tokens', '1000', '--note', 'sprint', '--idempotency-key', 'topup-42');
    expect(r.code).toBe(EXIT.ok);
    expect(seen[0]).toEqual({ method: 'POST', url: '/v1/budgets/acme/topup', body: { usd: 5, tokens: 1000, note: 'sprint' }, idem: 'topup-42' });
    expect(r.stdout).toContain('Topped up acme: $5.0000, 1,000 tokens.');
    expect(r.stdout).toContain('(topped up: $5.0000, 1,000 tokens)');
    await run('budget', 'topup', 'acme', '--usd', '1');
    expect(seen.at(-1)?.idem).toMatch(/^[0-9a-f-]{16,}$/);
    const off = await run('budget', 'topup', 'off', '--usd', '1');
    expect(off.code).toBe(EXIT.api);
    expect(off.stderr).toContain('add a `budgets` section to hub.config.json');
  });
});

describe('rendering usage and budgets', () => {
  it('no usage; an exhausted budget says how it comes back', () => {
    expect(renderUsage({ ...usage, rows: [], total: row({}, 0, 0) })).toBe('No usage from 2026-01-01 to 2026-01-30.');
    expect(renderUsage({ ...usage, unavailable: ['acme', 'beta'] })).toMatch(/\nNot included \(their ledgers did not answer in time\): acme, beta$/);
    const spent = renderBudget(state({ exhausted: true, waiting: 2, reserved: { usd: 0.01, tokens: 300, leases: 1, blocks: 0 }, limits: { usd: 1, agents: { researcher: { tokens: 500 } } } }));
    expect(spent).toContain('Status:    EXHAUSTED: new calls wait until 2026-01-06T00:00:00.000Z or a top-up (hub budget topup acme --usd N)');
    expect(spent).toContain('  agent researcher: 500 tokens');
    expect(spent).toContain('Reserved:  $0.0100, 300 tokens by 1 call(s) in flight');
    expect(renderBudget(state({ reserved: { usd: 0, tokens: 6_400, leases: 0, blocks: 2 } }))).toContain('Reserved:  $0.0000, 6,400 tokens by 0 call(s) in flight and 2 worker block(s)');
    expect(spent).toContain('waiting for budget: 2');
    expect(renderBudget(state({ source: 'none', limits: undefined }))).toMatch(/limits: none[\s\S]*Status: {4}ok/);
  });
});
