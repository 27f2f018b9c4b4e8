/** Pure text rendering of API data for the terminal (unit-tested). */
import type { HandoffRecord } from '@hub/contracts';
import type { Schema } from '@hub/gateway/client';

type ResearchJob = Schema<'ResearchJob'>;
type Progress = ResearchJob['progress'];

/** `[#######.............]  35%  7/20 done, 1 failed, 3 running` */
export function progressBar(p: Progress, width = 24): string {
  const done = p.succeeded + p.failed;
  const filled = Math.round((Math.max(0, Math.min(100, p.percent)) / 100) * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  return `[${bar}] ${String(Math.round(p.percent)).padStart(3)}%  ${done}/${p.total} done, ${p.failed} failed, ${p.running} running`;
}

/** Columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function truncate(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

export function renderSessions(list: Schema<'SessionList'>): string {
  if (list.sessions.length === 0) return 'No sessions.';
  return table(
    ['ID', 'STATUS', 'AGENT', 'STARTED'],
    list.sessions.map((s) => [s.id, s.status, s.agent ?? '', s.startTime]),
  );
}

/** A session's state; `agent` is the active agent (handoffs change it), `handoffs` the path that led to it. */
export function renderSession(s: Schema<'SessionState'> & { handoffs?: HandoffRecord[] | undefined }): string {
  const out = [
    `Session ${s.sessionId}  agent: ${s.agent}  status: ${s.status}`,
    `Tokens: ${s.usage.totalTokens} (prompt ${s.usage.promptTokens}, completion ${s.usage.completionTokens})`,
  ];
  const handoffs = s.handoffs ?? [];
  if (handoffs.length > 0) out.push(`Handoffs: ${[handoffs[0]!.from, ...handoffs.map((h) => h.to)].join(' → ')}`);
  if (s.closedReason) out.push(`Closed: ${s.closedReason}`);
  if (s.summary) out.push('', `(earlier messages summarized) ${s.summary}`);
  out.push('');
  for (const m of s.messages) {
    if (m.role === 'user') out.push(`you> ${m.content}`);
    else if (m.role === 'assistant') {
      if (m.content) out.push(`${s.agent}> ${m.content}`);
      for (const c of m.toolCalls ?? []) out.push(`  [tool call] ${c.name} ${truncate(c.arguments, 200)}`);
    } else if (m.role === 'tool') out.push(`  [tool result] ${truncate(m.content, 200)}`);
  }
  for (const a of s.pendingApprovals) {
    out.push('', `Pending approval ${a.approvalId}: ${a.tool} ${truncate(a.arguments, 200)} (expires ${a.expiresAt})`);
  }
  return out.join('\n');
}

/** The report, its citations (numbered as in the report) and the failed agents. */
export function renderReport(job: ResearchJob): string {
  const out = [`Research ${job.id}: ${job.status}`, `Question: ${job.question}`, progressBar(job.progress)];
  if (job.error) out.push(`Error: ${job.error}`);
  const r = job.result;
  if (r?.report) out.push('', r.report);
  if (r && r.citations.length > 0) {
    out.push('', 'Citations:');
    for (const c of r.citations) {
      const sources = c.sources.length > 0 ? ` — ${c.sources.join(', ')}` : '';
      out.push(`  [${c.ref}] agent ${c.agent}: ${c.question}${sources}`);
    }
  }
  const failed = r?.failures ?? [];
  const omitted = r?.failuresOmitted ?? 0;
  if (failed.length + omitted > 0) {
    out.push('', `Failed agents (${failed.length + omitted}):`);
    for (const f of failed.slice(0, 20)) out.push(`  agent ${f.index}: ${f.status} — ${truncate(f.reason, 160)}`);
    if (failed.length + omitted > 20) out.push(`  … and ${failed.length + omitted - Math.min(20, failed.length)} more`);
  }
  for (const note of r?.notes ?? []) out.push(`Note: ${note}`);
  return out.join('\n');
}

export function renderTask(t: Schema<'Task'>): string {
  const out = [`Task ${t.id}: ${t.status}`];
  if (t.error) out.push(`Error: ${t.error}`);
  for (const s of t.steps) {
    const detail = s.error ? ` — ${truncate(s.error, 160)}` : s.result !== undefined ? ` → ${truncate(s.result, 160)}` : '';
    out.push(`  ${s.index + 1}. ${s.tool}: ${s.status}${detail}`);
    const c = s.compensation;
    if (c) {
      const cDetail = c.error ? ` — ${truncate(c.error, 160)}` : c.result !== undefined ? ` → ${truncate(c.result, 160)}` : '';
      out.push(`     undo ${c.tool}: ${c.status}${cDetail}`);
    }
  }
  return out.join('\n');
}

export function renderMcpServers(list: Schema<'McpServerList'>): string {
  if (list.servers.length === 0) return 'No MCP servers.';
  return table(
    ['NAME', 'SOURCE', 'STATUS', 'TOOLS', 'TRANSPORT'],
    list.servers.map((s) => [
      s.name,
      s.source,
      s.status.state + (s.status.error ? ` (${truncate(s.status.error, 60)})` : ''),
      String(s.tools.length),
      'url' in s.config ? s.config.url : [s.config.command, ...(s.config.args ?? [])].join(' '),
    ]),
  );
}

export function renderMcpTools(s: Schema<'McpServer'>): string {
  if (s.tools.length === 0) return `${s.name}: no tools (${s.status.state}${s.status.error ? `: ${s.status.error}` : ''}).`;
  return table(
    ['TOOL', 'STATUS', 'DESCRIPTION'],
    s.tools.map((t) => [t.name, t.status + (t.flaggedReason ? ` (${t.flaggedReason})` : ''), truncate(t.description ?? '', 80)]),
  );
}
