/**
 * The Usage screen's model (no DOM): the date range, usage rows of
 * `GET /v1/usage` folded into a series per day (the chart) and rows per agent
 * and model (the table), the bar geometry of the chart, a budget's caps and
 * meters, and the top-up form's draft → `TopupInput`.
 */
import type { BudgetState, TopupInput, UsageRow } from '@hub/contracts';
import { ApiCallError } from '../../api';

const DAY_MS = 86_400_000;
/** The longest range the chart draws a bar per day for. */
export const MAX_DAYS = 400;

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const msOf = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** The API's default range: the 30 days up to today (UTC). */
export function defaultRange(now: number): { from: string; to: string } {
  return { from: dayOf(now - 29 * DAY_MS), to: dayOf(now) };
}

/** Every day from `from` to `to` (inclusive, `YYYY-MM-DD`); empty when the range is unreadable or backwards, at most {@link MAX_DAYS}. */
export function daysBetween(from: string, to: string): string[] {
  const a = msOf(from);
  const b = msOf(to);
  if (!Number.isFinite(a) || !Number.isFinite(b) || a > b) return [];
  const days: string[] = [];
  for (let t = a; t <= b && days.length < MAX_DAYS; t += DAY_MS) days.push(dayOf(t));
  return days;
}

export interface Totals {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  usd: number;
}

const zero = (): Totals => ({ calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, usd: 0 });

function add(t: Totals, r: Totals): void {
  t.calls += r.calls;
  t.promptTokens += r.promptTokens;
  t.completionTokens += r.completionTokens;
  t.totalTokens += r.totalTokens;
  t.usd += r.usd;
}

export function sumRows(rows: readonly Totals[]): Totals {
  const t = zero();
  for (const r of rows) add(t, r);
  return t;
}

export interface DayPoint extends Totals {
  day: string;
}

/** One point per day of the range (days without usage are zeros); rows outside the range are left out. */
export function dailySeries(rows: readonly UsageRow[], from: string, to: string): DayPoint[] {
  const points = new Map(daysBetween(from, to).map((day) => [day, { day, ...zero() }]));
  for (const r of rows) {
    const p = r.day !== undefined ? points.get(r.day) : undefined;
    if (p) add(p, r);
  }
  return [...points.values()];
}

export interface AgentModelRow extends Totals {
  agent: string;
  model: string;
}

/** Rows per agent and model (summed over the days and tenants), the most expensive first. */
export function agentModelRows(rows: readonly UsageRow[]): AgentModelRow[] {
  const by = new Map<string, AgentModelRow>();
  for (const r of rows) {
    const agent = r.agent ?? '—';
    const model = r.model ?? '—';
    const key = JSON.stringify([agent, model]);
    let row = by.get(key);
    if (!row) by.set(key, (row = { agent, model, ...zero() }));
    add(row, r);
  }
  return [...by.values()].sort((a, b) => b.usd - a.usd || b.totalTokens - a.totalTokens || a.agent.localeCompare(b.agent) || a.model.localeCompare(b.model));
}

/** The tenants the rows name (an admin key sees all of them), sorted. */
export function tenantsOf(rows: readonly UsageRow[]): string[] {
  return [...new Set(rows.flatMap((r) => (r.tenant ? [r.tenant] : [])))].sort();
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Bars of `values` in a `width` × `height` box, scaled to the largest (all flat when every value is 0). */
export function barsOf(values: readonly number[], width: number, height: number, gap = 1): Bar[] {
  const max = Math.max(0, ...values);
  const step = values.length ? width / values.length : 0;
  return values.map((v, i) => {
    const h = max > 0 ? (Math.max(0, v) / max) * height : 0;
    return { x: i * step + gap / 2, y: height - h, width: Math.max(0.5, step - gap), height: h };
  });
}

/** `$0.0123` below a dollar, `$12.34` above. */
export function money(usd: number): string {
  return `$${usd.toFixed(Math.abs(usd) < 1 ? 4 : 2)}`;
}

/** `1,234,567` (the same separators everywhere, so the tests read it too). */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

// ---- the budget panel ----------------------------------------------------------------

/** The caps in force this period: the limits plus what admins added (undefined: no cap of that kind). */
export function capsOf(b: BudgetState): { usd?: number; tokens?: number } {
  return {
    ...(b.limits?.usd !== undefined ? { usd: b.limits.usd + b.toppedUp.usd } : {}),
    ...(b.limits?.tokens !== undefined ? { tokens: b.limits.tokens + b.toppedUp.tokens } : {}),
  };
}

export interface Meter {
  /** Percent of the cap spent, and reserved by calls in flight (together at most 100). */
  spentPct: number;
  reservedPct: number;
  /** The cap is reached. */
  full: boolean;
}

export function meterOf(spent: number, reserved: number, cap: number): Meter {
  if (cap <= 0) return { spentPct: spent > 0 ? 100 : 0, reservedPct: 0, full: true };
  const spentPct = Math.min(100, (spent / cap) * 100);
  return { spentPct, reservedPct: Math.min(100 - spentPct, (reserved / cap) * 100), full: spent >= cap };
}

// ---- the top-up form ----------------------------------------------------------------

export interface TopupDraft {
  usd: string;
  tokens: string;
  note: string;
}

export const emptyTopup = (): TopupDraft => ({ usd: '', tokens: '', note: '' });

/** The draft as the API's input, or what is wrong with it (the gateway checks again). */
export function topupInputOf(d: TopupDraft): { ok: true; input: TopupInput } | { ok: false; error: string } {
  const usd = d.usd.trim() === '' ? undefined : Number(d.usd);
  const tokens = d.tokens.trim() === '' ? undefined : Number(d.tokens);
  if (usd !== undefined && (!Number.isFinite(usd) || usd < 0)) return { ok: false, error: 'usd must be a number, 0 or more' };
  if (tokens !== undefined && (!Number.isInteger(tokens) || tokens < 0)) return { ok: false, error: 'tokens must be a whole number, 0 or more' };
  if ((usd ?? 0) <= 0 && (tokens ?? 0) <= 0) return { ok: false, error: 'a top-up adds usd or tokens (more than 0)' };
  const note = d.note.trim();
  return { ok: true, input: { ...(usd ? { usd } : {}), ...(tokens ? { tokens } : {}), ...(note ? { note } : {}) } };
}

/** A refused top-up as the form shows it: the API's own message, and what the status means. */
export function refusalText(err: unknown): string {
  if (!(err instanceof ApiCallError)) return `Top-up failed: ${err instanceof Error ? err.message : String(err)}`;
  const why = err.status === 403 ? ' (top-ups need an admin API key)' : err.status === 409 ? ' (budgets are off on this hub)' : '';
  return `Top-up refused (HTTP ${err.status})${why}: ${err.message}`;
}
