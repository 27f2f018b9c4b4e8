/**
 * The top-up form (admin keys): usd and/or tokens added to the tenant's budget
 * for this period. A refusal shows the API's message (403 for a key that is not
 * an admin's, 409 when budgets are off). The view is stateless (tested without a DOM).
 */
import { useState } from 'preact/hooks';
import type { BudgetState } from '@hub/contracts';
import type { HubClient } from '@hub/gateway/client';
import { topupBudget } from '../../api';
import { ErrorText } from '../../components/error-text';
import { emptyTopup, money, count, refusalText, topupInputOf, type TopupDraft } from './usage-model';

export type TopupOutcome = { ok: true; budget: BudgetState; text: string } | { ok: false; error: string };

/** Checks the draft and sends it: the budget after it, or the message to show. */
export async function submitTopup(client: HubClient, tenant: string, draft: TopupDraft): Promise<TopupOutcome> {
  const checked = topupInputOf(draft);
  if (!checked.ok) return { ok: false, error: checked.error };
  try {
    const budget = await topupBudget(client, tenant, checked.input);
    const { usd, tokens } = checked.input;
    const added = [usd ? money(usd) : '', tokens ? `${count(tokens)} tokens` : ''].filter(Boolean).join(' and ');
    return { ok: true, budget, text: `Added ${added} to ${tenant}.` };
  } catch (err) {
    return { ok: false, error: refusalText(err) };
  }
}

export interface TopupFormViewProps {
  tenant: string;
  draft: TopupDraft;
  busy: boolean;
  error: string | undefined;
  done: string | undefined;
  onDraft: (d: TopupDraft) => void;
  onSubmit: () => void;
}

export function TopupFormView({ tenant, draft, busy, error, done, onDraft, onSubmit }: TopupFormViewProps) {
  return (
    <form
      class="topup"
      aria-label={`Top up ${tenant}`}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <h3>Top up</h3>
      <div class="row">
        <label for="topup-usd">USD</label>
        <input id="topup-usd" type="number" min="0" step="0.01" inputMode="decimal" value={draft.usd} onInput={(e) => onDraft({ ...draft, usd: e.currentTarget.value })} />
        <label for="topup-tokens">Tokens</label>
        <input id="topup-tokens" type="number" min="0" step="1" inputMode="numeric" value={draft.tokens} onInput={(e) => onDraft({ ...draft, tokens: e.currentTarget.value })} />
      </div>
      <label for="topup-note">Note</label>
      <input id="topup-note" type="text" maxLength={500} value={draft.note} onInput={(e) => onDraft({ ...draft, note: e.currentTarget.value })} />
      <button type="submit" disabled={busy}>
        {busy ? 'Adding…' : 'Add to budget'}
      </button>
      <ErrorText error={error} />
      {done && (
        <p class="small" role="status">
          {done}
        </p>
      )}
    </form>
  );
}

export function TopupForm({ client, tenant, onDone }: { client: HubClient; tenant: string; onDone: (b: BudgetState) => void }) {
  const [draft, setDraft] = useState(emptyTopup);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const submit = async () => {
    setBusy(true);
    setDone(undefined);
    const out = await submitTopup(client, tenant, draft);
    setBusy(false);
    if (out.ok) {
      setError(undefined);
      setDone(out.text);
      setDraft(emptyTopup());
      onDone(out.budget);
    } else setError(out.error);
  };
  return <TopupFormView tenant={tenant} draft={draft} busy={busy} error={error} done={done} onDraft={setDraft} onSubmit={() => void submit()} />;
}
