/**
 * A tenant's budget (`GET /v1/budgets/{tenant}`): the limits in force and where
 * they come from, spent vs cap as a bar (reserved by calls in flight beside
 * it), the period, whether it is exhausted and how many wait for it.
 */
import type { BudgetState } from '@hub/contracts';
import { shortTime, timeLeft } from '../../format';
import { capsOf, count, meterOf, money } from './usage-model';

function MeterBar({ label, spent, reserved, cap, fmt }: { label: string; spent: number; reserved: number; cap: number; fmt: (n: number) => string }) {
  const m = meterOf(spent, reserved, cap);
  return (
    <div class="budget-meter" data-testid={`meter-${label}`} data-full={m.full ? 'true' : undefined}>
      <div class="small">
        {label}: {fmt(spent)} spent of {fmt(cap)}
        {reserved > 0 ? ` · ${fmt(reserved)} reserved` : ''}
      </div>
      <div
        role="meter"
        aria-label={`${label} spent`}
        aria-valuemin={0}
        aria-valuemax={cap}
        aria-valuenow={Math.min(spent, cap)}
        style={{ display: 'flex', height: '0.6rem', border: '1px solid var(--line)', borderRadius: '999px', overflow: 'hidden' }}
      >
        <span class="spent" style={{ width: `${m.spentPct}%`, background: m.full ? 'var(--danger)' : 'var(--accent)' }} />
        <span class="reserved" style={{ width: `${m.reservedPct}%`, background: 'var(--muted)', opacity: 0.5 }} />
      </div>
    </div>
  );
}

const SOURCE: Record<BudgetState['source'], string> = {
  admin: 'set by an admin',
  config: 'from hub.config.json',
  none: 'none set',
};

export function BudgetView({ budget: b, now }: { budget: BudgetState; now: number }) {
  const caps = capsOf(b);
  const l = b.limits;
  const agents = Object.entries(l?.agents ?? {});
  return (
    <div class="budget" data-testid="budget">
      <p class="small">
        Limits <strong>{SOURCE[b.source]}</strong>
        {l ? ` · per ${l.period ?? 'day'}` : ''}
        {l?.usd !== undefined ? ` · ${money(l.usd)}` : ''}
        {l?.tokens !== undefined ? ` · ${count(l.tokens)} tokens` : ''}
        {l?.rpm !== undefined ? ` · ${count(l.rpm)} requests/min` : ''}
        {l?.tpm !== undefined ? ` · ${count(l.tpm)} tokens/min` : ''}
        {b.exhausted && (
          <>
            {' '}
            <span class="badge failed" data-testid="exhausted">
              exhausted
            </span>
          </>
        )}
      </p>
      {agents.length > 0 && (
        <p class="small muted">
          Agent caps:{' '}
          {agents.map(([agent, cap], i) => (
            <span key={agent}>
              {i > 0 ? ', ' : ''}
              {agent} {[cap.usd !== undefined ? money(cap.usd) : '', cap.tokens !== undefined ? `${count(cap.tokens)} tokens` : ''].filter(Boolean).join(' / ')}
            </span>
          ))}
        </p>
      )}
      {caps.usd !== undefined && <MeterBar label="usd" spent={b.spent.usd} reserved={b.reserved.usd} cap={caps.usd} fmt={money} />}
      {caps.tokens !== undefined && <MeterBar label="tokens" spent={b.spent.tokens} reserved={b.reserved.tokens} cap={caps.tokens} fmt={count} />}
      <p class="small">
        This period: {money(b.spent.usd)}, {count(b.spent.tokens)} tokens in {count(b.spent.calls)} calls
        {b.toppedUp.usd > 0 || b.toppedUp.tokens > 0 ? ` · topped up ${money(b.toppedUp.usd)}, ${count(b.toppedUp.tokens)} tokens` : ''}
        {` · reserved ${money(b.reserved.usd)}, ${count(b.reserved.tokens)} tokens (${b.reserved.leases} calls in flight${b.reserved.blocks > 0 ? `, ${b.reserved.blocks} worker blocks` : ''})`}
      </p>
      <p class="small">
        Period ends <span data-testid="period-end">{shortTime(b.periodEnd)}</span> <span class="muted">({timeLeft(b.periodEnd, now)})</span>
        {' · '}
        <span data-testid="waiting">{b.waiting} waiting for budget</span>
        {` · ${b.queued} queued`}
        {b.abandoned > 0 ? ` · ${b.abandoned} charged at their estimate (never settled)` : ''}
      </p>
    </div>
  );
}
