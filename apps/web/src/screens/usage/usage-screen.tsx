/**
 * Usage: what the model calls cost over a range of days (`GET /v1/usage`,
 * grouped by tenant, day, agent and model; folded here into a chart per day and
 * a table per agent and model) and the tenant's budget (`GET /v1/budgets/{tenant}`)
 * with the top-up form. An admin key sees every tenant's usage and may pick one.
 */
import { useState } from 'preact/hooks';
import type { UsageGroup } from '@hub/contracts';
import type { HubClient } from '@hub/gateway/client';
import { getBudget, getUsage } from '../../api';
import { ErrorText } from '../../components/error-text';
import { useResource } from '../../hooks/use-resource';
import { BudgetView } from './budget-panel';
import { TopupForm } from './topup-form';
import { UsageChart } from './usage-chart';
import { UsageTable } from './usage-table';
import { agentModelRows, dailySeries, defaultRange, tenantsOf } from './usage-model';

const GROUPS: readonly UsageGroup[] = ['tenant', 'day', 'agent', 'model'];

export function UsageScreen({ client }: { client: HubClient }) {
  const [range, setRange] = useState(() => defaultRange(Date.now()));
  const [draft, setDraft] = useState(range);
  const [tenant, setTenant] = useState('');
  const [tenantDraft, setTenantDraft] = useState('');
  const [rangeError, setRangeError] = useState<string>();

  const usage = useResource(() => getUsage(client, { ...range, groupBy: GROUPS, ...(tenant ? { tenant } : {}) }), [client, range.from, range.to, tenant]);
  const rows = usage.data?.rows ?? [];
  const seen = tenantsOf(rows);
  const settled = usage.data !== undefined || usage.error !== undefined;
  // The budget of the tenant picked, else the key's own tenant (the usage answer says which it is).
  const budgetTenant = tenant || usage.data?.caller.tenant || (settled ? 'default' : undefined);
  const budget = useResource(async () => (budgetTenant ? getBudget(client, budgetTenant) : undefined), [client, budgetTenant]);

  const apply = (e: Event) => {
    e.preventDefault();
    if (!draft.from || !draft.to) return setRangeError('pick both days');
    if (draft.from > draft.to) return setRangeError('"from" is after "to"');
    setRangeError(undefined);
    setRange(draft);
    setTenant(tenantDraft.trim());
  };

  const from = usage.data?.from ?? range.from;
  const to = usage.data?.to ?? range.to;
  const table = agentModelRows(rows);
  return (
    <div class="split usage">
      <section class="sidebar" aria-labelledby="budget-heading">
        <h2 id="budget-heading">Budget{budgetTenant ? ` of ${budgetTenant}` : ''}</h2>
        <ErrorText error={budget.error} />
        {budget.data && <BudgetView budget={budget.data} now={Date.now()} />}
        {budgetTenant && (
          <TopupForm
            client={client}
            tenant={budgetTenant}
            onDone={(b) => {
              budget.setData(b);
              budget.setError(undefined);
            }}
          />
        )}
      </section>
      <section class="content" aria-labelledby="usage-heading">
        <div class="row header">
          <h2 id="usage-heading">Usage</h2>
          <button
            type="button"
            class="secondary"
            aria-label="Refresh usage and budget"
            onClick={() => {
              void usage.reload();
              void budget.reload();
            }}
          >
            ↻
          </button>
          {usage.loading && <span class="muted small">Loading…</span>}
        </div>
        <form class="row usage-range" onSubmit={apply}>
          <label for="usage-from">From</label>
          <input id="usage-from" type="date" value={draft.from} max={draft.to} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
          <label for="usage-to">To</label>
          <input id="usage-to" type="date" value={draft.to} min={draft.from} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
          <label for="usage-tenant">Tenant</label>
          <input
            id="usage-tenant"
            type="text"
            list="usage-tenants"
            placeholder="your key's (admin: any)"
            value={tenantDraft}
            onInput={(e) => setTenantDraft(e.currentTarget.value)}
          />
          <datalist id="usage-tenants">
            {seen.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          <button type="submit">Show</button>
        </form>
        <ErrorText error={rangeError ?? usage.error} />
        {usage.data && (
          <>
            <p class="small muted" data-testid="usage-range">
              {from} to {to} (UTC){seen.length > 1 ? ` · ${seen.length} tenants: ${seen.join(', ')}` : ''}
            </p>
            {usage.data.unavailable?.length ? (
              <p class="small error" data-testid="usage-unavailable">
                Not included: {usage.data.unavailable.join(', ')} (their ledgers did not answer in time)
              </p>
            ) : null}
            <UsageChart points={dailySeries(rows, from, to)} />
            <h3>By agent and model</h3>
            <div class="table-scroll">
              <UsageTable rows={table} total={usage.data.total} />
            </div>
          </>
        )}
      </section>
    </div>
  );
}
