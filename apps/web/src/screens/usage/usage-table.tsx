/** Usage by agent and model: calls, tokens and cost per row, the range's total at the foot. */
import { count, money, type AgentModelRow, type Totals } from './usage-model';

export function UsageTable({ rows, total }: { rows: AgentModelRow[]; total: Totals }) {
  if (rows.length === 0) return <p class="muted small">No model calls in this range.</p>;
  return (
    <table class="usage-table" aria-label="Usage by agent and model">
      <thead>
        <tr>
          <th scope="col">Agent</th>
          <th scope="col">Model</th>
          <th scope="col">Calls</th>
          <th scope="col">Prompt tokens</th>
          <th scope="col">Completion tokens</th>
          <th scope="col">Tokens</th>
          <th scope="col">Cost</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.agent}\u0000${r.model}`} data-testid="usage-row">
            <td>{r.agent}</td>
            <td class="mono">{r.model}</td>
            <td>{count(r.calls)}</td>
            <td>{count(r.promptTokens)}</td>
            <td>{count(r.completionTokens)}</td>
            <td>{count(r.totalTokens)}</td>
            <td>{money(r.usd)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr data-testid="usage-total">
          <th scope="row" colSpan={2}>
            Total
          </th>
          <td>{count(total.calls)}</td>
          <td>{count(total.promptTokens)}</td>
          <td>{count(total.completionTokens)}</td>
          <td>{count(total.totalTokens)}</td>
          <td>{money(total.usd)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
