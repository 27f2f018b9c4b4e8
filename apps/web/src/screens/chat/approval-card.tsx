/**
 * A pending approval of a tool call: its arguments, the time left, approve or deny with an optional reason.
 * A delegate's tool call (the approval names its agent and delegation) is approved the same way, on the session.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PendingApproval } from '@hub/contracts';
import type { HubClient } from '@hub/gateway/client';
import { messageOf, must } from '../../api';
import { ErrorText } from '../../components/error-text';
import { prettyJson, shortTime, timeLeft } from '../../format';

export function ApprovalCard({ client, sessionId, approval }: { client: HubClient; sessionId: string; approval: PendingApproval }) {
  const [reason, setReason] = useState('');
  const [now, setNow] = useState(Date.now());
  const [sent, setSent] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const decide = async (approve: boolean) => {
    try {
      must(
        await client.POST('/v1/sessions/{id}/approvals/{approvalId}', {
          params: { path: { id: sessionId, approvalId: approval.approvalId } },
          body: { approve, ...(reason.trim() ? { reason: reason.trim() } : {}) },
        }),
      );
      setSent(approve ? 'Approved' : 'Denied');
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const id = `reason-${approval.approvalId}`;
  return (
    <section class="approval" role="region" aria-label={`Approval for ${approval.tool}`}>
      <h3>
        Approve <span class="mono">{approval.tool}</span>
        {approval.agent ? (
          <>
            {' '}for <strong>{approval.agent}</strong>
          </>
        ) : null}
        ?
      </h3>
      {approval.delegationId && <p class="small muted">Asked by a delegated agent; the decision is made on this session.</p>}
      <p class="small">
        <span data-testid="time-left">{timeLeft(approval.expiresAt, now)}</span> · no decision by {shortTime(approval.expiresAt)} counts as a denial
      </p>
      <pre>{prettyJson(approval.arguments)}</pre>
      <label for={id}>Reason (optional)</label>
      <input id={id} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <div class="row">
        <button type="button" onClick={() => void decide(true)} disabled={sent !== undefined}>
          Approve
        </button>
        <button type="button" class="danger" onClick={() => void decide(false)} disabled={sent !== undefined}>
          Deny
        </button>
        {sent && <span class="muted small">{sent}; waiting for the agent…</span>}
      </div>
      <ErrorText error={error} />
    </section>
  );
}
