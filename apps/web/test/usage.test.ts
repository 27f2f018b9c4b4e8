/**
 * The Usage screen: usage rows folded into the chart and the table, the budget
 * panel, and the top-up form's refusals. The views are rendered (without a
 * DOM: their element trees, hook-free components expanded) and read like a page.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { h, type ComponentChild, type VNode } from 'preact';
import type { BudgetState, UsageResponse } from '@hub/contracts';
import { getUsage, hubClient } from '../src/api';
import { researchBudgetText } from '../src/screens/research/job-view';
import { BudgetView } from '../src/screens/usage/budget-panel';
import { submitTopup, TopupFormView } from '../src/screens/usage/topup-form';
import { UsageChart } from '../src/screens/usage/usage-chart';
import { agentModelRows, barsOf, dailySeries, daysBetween, defaultRange, meterOf, sumRows, tenantsOf, topupInputOf } from '../src/screens/usage/usage-model';
import { UsageTable } from '../src/screens/usage/usage-table';

// ---- a tiny renderer: elements as a tree, function components called ----------------------

interface El {
  tag: string;
  props: Record<string, unknown>;
  children: Node[];
}
type Node = El | string;

function render(v: ComponentChild): Node[] {
  if (v === null || v === undefined || typeof v === 'boolean') return [];
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return [String(v)];
  if (Array.isArray(v)) return v.flatMap((x) => render(x as ComponentChild));
  const node = v as VNode<Record<string, unknown>>;
  const { children, ...props } = node.props as Record<string, unknown> & { children?: ComponentChild };
  if (typeof node.type === 'function') return render((node.type as (p: unknown) => ComponentChild)(node.props));
  if (typeof node.type !== 'string') return render(children); // a Fragment
  return [{ tag: node.type, props, children: render(children) }];
}

const textOf = (n: Node | Node[]): string => (Array.isArray(n) ? n.map(textOf).join('') : typeof n === 'string' ? n : textOf(n.children));
function all(nodes: Node[], pred: (e: El) => boolean): El[] {
  return nodes.flatMap((n) => (typeof n === 'string' ? [] : [...(pred(n) ? [n] : []), ...all(n.children, pred)]));
}
const byTestId = (nodes: Node[], id: string) => all(nodes, (e) => e.props['data-testid'] === id);
const cells = (row: El) => all(row.children, (e) => e.tag === 'td' || e.tag === 'th').map((c) => textOf(c));

// ---- fixtures --------------------------------------------------------------------------

const row = (day: string, agent: string, model: string, calls: number, prompt: number, completion: number, usd: number, tenant = 'acme') => ({
  tenant,
  day,
  agent,
  model,
  calls,
  promptTokens: prompt,
  completionTokens: completion,
  totalTokens: prompt + completion,
  usd,
});

const usage: UsageResponse = {
  from: '2026-03-01',
  to: '2026-03-05',
  groupBy: ['tenant', 'day', 'agent', 'model'],
  rows: [
    row('2026-03-01', 'assistant', 'smart', 2, 1000, 200, 0.05),
    row('2026-03-01', 'researcher', 'cheap', 10, 5000, 1000, 0.01),
    row('2026-03-03', 'assistant', 'smart', 1, 400, 100, 0.02),
    row('2026-03-03', 'assistant', 'cheap', 3, 300, 90, 0.001),
    row('2026-03-05', 'researcher', 'cheap', 5, 2500, 500, 0.005),
  ],
  total: { calls: 21, promptTokens: 9200, completionTokens: 1890, totalTokens: 11090, usd: 0.086 },
  caller: { tenant: 'acme', admin: false },
};

const budget: BudgetState = {
  tenant: 'acme',
  limits: { period: 'day', usd: 10, tokens: 100_000, agents: { researcher: { usd: 2 } } },
  source: 'admin',
  periodStart: '2026-03-05T00:00:00.000Z',
  periodEnd: '2026-03-06T00:00:00.000Z',
  spent: { usd: 12, tokens: 50_000, calls: 40 },
  toppedUp: { usd: 2, tokens: 0 },
  reserved: { usd: 0, tokens: 4_000, leases: 2, blocks: 0 },
  queued: 1,
  exhausted: true,
  waiting: 3,
  abandoned: 0,
};

afterEach(() => vi.unstubAllGlobals());

describe('usage model', () => {
  it('draws one point a day of the range, days without calls as zeros', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(daysBetween('2026-03-02', '2026-03-01')).toEqual([]);
    expect(defaultRange(Date.parse('2026-03-30T12:00:00Z'))).toEqual({ from: '2026-03-01', to: '2026-03-30' });
    const points = dailySeries(usage.rows, usage.from, usage.to);
    expect(points.map((p) => [p.day, p.calls, p.totalTokens])).toEqual([
      ['2026-03-01', 12, 7200],
      ['2026-03-02', 0, 0],
      ['2026-03-03', 4, 890],
      ['2026-03-04', 0, 0],
      ['2026-03-05', 5, 3000],
    ]);
    expect(points[0]!.usd).toBeCloseTo(0.06);
  });

  it('sums rows per agent and model, the most expensive first; the tenants they name', () => {
    expect(agentModelRows(usage.rows).map((r) => [r.agent, r.model, r.calls, r.totalTokens])).toEqual([
      ['assistant', 'smart', 3, 1700],
      ['researcher', 'cheap', 15, 9000],
      ['assistant', 'cheap', 3, 390],
    ]);
    expect(sumRows(usage.rows)).toMatchObject({ calls: 21, totalTokens: 11090 });
    expect(tenantsOf([...usage.rows, row('2026-03-01', 'a', 'm', 1, 1, 1, 0, 'beta')])).toEqual(['acme', 'beta']);
  });

  it('scales bars to the largest value, and meters to the cap', () => {
    expect(barsOf([0, 5, 10], 30, 100, 0)).toEqual([
      { x: 0, y: 100, width: 10, height: 0 },
      { x: 10, y: 50, width: 10, height: 50 },
      { x: 20, y: 0, width: 10, height: 100 },
    ]);
    expect(barsOf([0, 0], 10, 10).every((b) => b.height === 0)).toBe(true);
    expect(meterOf(5, 2, 10)).toEqual({ spentPct: 50, reservedPct: 20, full: false });
    expect(meterOf(12, 1, 10)).toEqual({ spentPct: 100, reservedPct: 0, full: true });
  });

  it('reads the top-up draft, refusing an empty or negative one', () => {
    expect(topupInputOf({ usd: '5', tokens: '', note: ' monthly ' })).toEqual({ ok: true, input: { usd: 5, note: 'monthly' } });
    expect(topupInputOf({ usd: '', tokens: '20000', note: '' })).toEqual({ ok: true, input: { tokens: 20000 } });
    expect(topupInputOf({ usd: '', tokens: '', note: '' })).toEqual({ ok: false, error: 'a top-up adds usd or tokens (more than 0)' });
    expect(topupInputOf({ usd: '-1', tokens: '', note: '' }).ok).toBe(false);
    expect(topupInputOf({ usd: '', tokens: '1.5', note: '' }).ok).toBe(false);
  });
});

describe('usage views', () => {
  it('shows a table row per agent and model, and the total of the range', () => {
    const page = render(h(UsageTable, { rows: agentModelRows(usage.rows), total: usage.total }));
    const rows = byTestId(page, 'usage-row');
    expect(rows.map(cells)).toEqual([
      ['assistant', 'smart', '3', '1,400', '300', '1,700', '$0.0700'],
      ['researcher', 'cheap', '15', '7,500', '1,500', '9,000', '$0.0150'],
      ['assistant', 'cheap', '3', '300', '90', '390', '$0.0010'],
    ]);
    expect(cells(byTestId(page, 'usage-total')[0]!)).toEqual(['Total', '21', '9,200', '1,890', '11,090', '$0.0860']);
    expect(textOf(render(h(UsageTable, { rows: [], total: sumRows([]) })))).toBe('No model calls in this range.');
  });

  it('draws a cost and a tokens chart with a bar a day, titled with the day and value', () => {
    const page = render(h(UsageChart, { points: dailySeries(usage.rows, usage.from, usage.to) }));
    const charts = all(page, (e) => e.tag === 'svg');
    expect(charts).toHaveLength(2);
    for (const svg of charts) expect(all([svg], (e) => e.tag === 'rect' && e.props['class'] === 'bar')).toHaveLength(5);
    const cost = byTestId(page, 'chart-cost-per-day')[0]!;
    const titles = all([cost], (e) => e.tag === 'title').map((t) => textOf(t));
    expect(titles).toEqual(['2026-03-01: $0.0600', '2026-03-02: $0.0000', '2026-03-03: $0.0210', '2026-03-04: $0.0000', '2026-03-05: $0.0050']);
    const tokenBars = all(byTestId(page, 'chart-tokens-per-day'), (e) => e.tag === 'rect');
    // The busiest day is the full height; an empty day is flat.
    expect(tokenBars.map((b) => b.props['height'])).toEqual([120, 0, (890 / 7200) * 120, 0, (3000 / 7200) * 120]);
  });

  it("shows the budget: limits, spent against the cap with the top-ups, exhausted, waiting", () => {
    const page = render(h(BudgetView, { budget, now: Date.parse('2026-03-05T22:00:00Z') }));
    const text = textOf(page);
    expect(text).toContain('Limits set by an admin · per day · $10.00 · 100,000 tokens');
    expect(textOf(byTestId(page, 'exhausted'))).toBe('exhausted');
    expect(textOf(byTestId(page, 'meter-usd'))).toContain('usd: $12.00 spent of $12.00');
    expect(byTestId(page, 'meter-usd')[0]!.props['data-full']).toBe('true');
    expect(textOf(byTestId(page, 'meter-tokens'))).toContain('tokens: 50,000 spent of 100,000 · 4,000 reserved');
    expect(textOf(byTestId(page, 'waiting'))).toBe('3 waiting for budget');
    expect(text).toContain('(2 h 0 min left)');
    expect(text).toContain('Agent caps: researcher $2.00');
    // No caps: no meters.
    const none = render(h(BudgetView, { budget: { ...budget, limits: undefined, source: 'none', exhausted: false }, now: 0 }));
    expect(all(none, (e) => e.props['role'] === 'meter')).toHaveLength(0);
    expect(byTestId(none, 'exhausted')).toHaveLength(0);
  });
});

describe('top-up', () => {
  const draft = { usd: '5', tokens: '', note: '' };
  const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it("shows the API's message when a key that is not an admin's is refused (403)", async () => {
    vi.stubGlobal('location', { origin: 'http://hub.test' });
    const message = 'a top-up needs an admin key (one of HUB_ADMIN_KEYS)';
    vi.stubGlobal('fetch', async () => reply(403, { error: { code: 'forbidden', message, details: { needs: 'admin' } } }));
    const out = await submitTopup(hubClient('tenant-key'), 'acme', draft);
    expect(out).toEqual({ ok: false, error: `Top-up refused (HTTP 403) (top-ups need an admin API key): forbidden: ${message}` });
    const page = render(h(TopupFormView, { tenant: 'acme', draft, busy: false, error: out.ok ? undefined : out.error, done: undefined, onDraft: () => {}, onSubmit: () => {} }));
    const alerts = all(page, (e) => e.props['role'] === 'alert');
    expect(alerts.map((a) => textOf(a))).toEqual([`Top-up refused (HTTP 403) (top-ups need an admin API key): forbidden: ${message}`]);
  });

  it('shows why when budgets are off (409)', async () => {
    vi.stubGlobal('location', { origin: 'http://hub.test' });
    vi.stubGlobal('fetch', async () => reply(409, { error: { code: 'conflict', message: 'budgets are off: add a `budgets` section to hub.config.json' } }));
    const out = await submitTopup(hubClient(''), 'acme', draft);
    expect(out.ok ? '' : out.error).toBe('Top-up refused (HTTP 409) (budgets are off on this hub): conflict: budgets are off: add a `budgets` section to hub.config.json');
  });

  it('sends the top-up with an Idempotency-Key and answers the budget after it; a bad draft is not sent', async () => {
    vi.stubGlobal('location', { origin: 'http://hub.test' });
    const seen: Request[] = [];
    vi.stubGlobal('fetch', async (req: Request) => {
      seen.push(req);
      return reply(200, { ...budget, toppedUp: { usd: 7, tokens: 0 } });
    });
    const out = await submitTopup(hubClient('admin-key'), 'acme', { usd: '5', tokens: '1000', note: 'March' });
    expect(out).toMatchObject({ ok: true, text: 'Added $5.00 and 1,000 tokens to acme.', budget: { toppedUp: { usd: 7 } } });
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('http://hub.test/v1/budgets/acme/topup');
    expect(seen[0]!.headers.get('idempotency-key')).toBeTruthy();
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer admin-key');
    await expect(seen[0]!.json()).resolves.toEqual({ usd: 5, tokens: 1000, note: 'March' });
    expect(await submitTopup(hubClient(''), 'acme', { usd: '0', tokens: '', note: '' })).toEqual({ ok: false, error: 'a top-up adds usd or tokens (more than 0)' });
    expect(seen).toHaveLength(1);
  });

  it('asks for usage with the range, the groups and the tenant', async () => {
    vi.stubGlobal('location', { origin: 'http://hub.test' });
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (req: Request) => {
      seen.push(req.url);
      return reply(200, usage);
    });
    const out = await getUsage(hubClient(''), { from: '2026-03-01', to: '2026-03-05', groupBy: ['tenant', 'day', 'agent', 'model'], tenant: 'acme' });
    expect(out.total.calls).toBe(21);
    const url = new URL(seen[0]!);
    expect(url.pathname).toBe('/v1/usage');
    expect(Object.fromEntries(url.searchParams)).toEqual({ from: '2026-03-01', to: '2026-03-05', groupBy: 'tenant,day,agent,model', tenant: 'acme' });
  });
});

describe('budget events of a research job', () => {
  it('says how many sub-agents wait, whose budget is spent and when they go on', () => {
    const resetsAt = '2026-03-06T00:00:00.000Z';
    expect(researchBudgetText({ type: 'budget.waiting', agents: 4, scope: 'tenant', resetsAt })).toBe(
      `Waiting for budget: the tenant's budget is spent; 4 sub-agents wait; resumes on a top-up or at ${new Date(resetsAt).toLocaleString()}.`,
    );
    expect(researchBudgetText({ type: 'budget.waiting', agents: 1, scope: 'agent', resetsAt })).toMatch(/^Waiting for budget: the agent's budget is spent; 1 sub-agent wait;/);
    expect(researchBudgetText({ type: 'budget.resumed', agents: 4 })).toBe('Budget available again: 4 sub-agents resumed.');
  });
});
