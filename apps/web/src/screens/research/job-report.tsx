/**
 * A finished research job's report: Markdown, with `[n]` citations that open
 * and focus the cited sub-agent's finding; the policy outcome, notes, and the
 * sub-results with their tools and sources.
 */
import type { Schema } from '../../api';
import { renderReport } from './markdown';

type Job = Schema<'ResearchJob'>;

function onReportClick(e: MouseEvent): void {
  const a = (e.target as Element | null)?.closest?.('a.cite');
  if (!a) return;
  e.preventDefault();
  const target = document.getElementById(`finding-${a.getAttribute('data-agent')}`);
  if (target instanceof HTMLDetailsElement) target.open = true;
  target?.scrollIntoView?.({ block: 'start' });
  target?.focus();
}

export function JobReport({ job, result }: { job: Job; result: NonNullable<Job['result']> }) {
  return (
    <>
      <h3>Report</h3>
      <p class="small muted">
        Success ratio {Math.round(result.policy.successRatio * 100)}% (needed {Math.round(result.policy.minSuccessRatio * 100)}%)
        {result.policy.met ? '' : ' — policy not met'}
      </p>
      {result.report ? (
        <div class="report" onClick={onReportClick} dangerouslySetInnerHTML={{ __html: renderReport(result.report, result.citations) }} />
      ) : (
        <p class="muted">No report.</p>
      )}
      {result.notes.length > 0 && (
        <ul class="small muted">
          {result.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      {result.findings.length > 0 && <h3>Sub-results</h3>}
      <div class="findings">
        {result.findings.slice(0, 200).map((f) => {
          const refs = result.citations.filter((c) => c.agent === f.index).map((c) => `[${c.ref}]`);
          return (
            <details key={f.index} id={`finding-${f.index}`} tabIndex={-1} open={refs.length > 0}>
              <summary>
                {refs.join(' ')} Agent #{f.index + 1}: {job.agents[f.index]?.question ?? ''}
              </summary>
              <p>{f.answer ?? f.error}</p>
              {f.toolCalls.length > 0 && <p class="small muted">Tools: {f.toolCalls.map((t) => `${t.tool}${t.ok ? '' : ' (failed)'}`).join(', ')}</p>}
              {f.sources.length > 0 && (
                <ul class="small">
                  {f.sources.map((s) => (
                    <li key={s}>{s}</li>
                  ))}
                </ul>
              )}
            </details>
          );
        })}
        {result.findings.length > 200 && <p class="muted small">… and {result.findings.length - 200} more findings</p>}
      </div>
    </>
  );
}
