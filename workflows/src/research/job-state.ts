/** Bookkeeping of a research job's state: agent statuses and progress counts. Pure. */
import type { AgentStatus, ResearchAgentState, ResearchProgress } from '@hub/contracts';

const DONE: ReadonlySet<AgentStatus> = new Set(['succeeded', 'failed', 'timed_out', 'cancelled', 'skipped']);
export const isFinished = (s: AgentStatus): boolean => DONE.has(s);

/** Counts kept up to date as agents change, so a 10,000-agent job never rescans its list. */
export class AgentBook {
  readonly agents: ResearchAgentState[];
  private counts: Record<AgentStatus, number> = { pending: 0, running: 0, succeeded: 0, failed: 0, timed_out: 0, cancelled: 0, skipped: 0 };

  constructor(questions: string[]) {
    this.agents = questions.map((question, index) => ({ index, question, status: 'pending' as AgentStatus }));
    this.counts.pending = questions.length;
  }

  set(index: number, status: AgentStatus, extra: { error?: string; totalTokens?: number } = {}): boolean {
    const a = this.agents[index];
    if (!a || isFinished(a.status)) return false; // a finished agent never changes again
    this.counts[a.status] -= 1;
    this.counts[status] += 1;
    a.status = status;
    if (extra.error !== undefined) a.error = extra.error;
    if (extra.totalTokens !== undefined) a.totalTokens = extra.totalTokens;
    return true;
  }

  count(status: AgentStatus): number {
    return this.counts[status];
  }

  progress(): ResearchProgress {
    const total = this.agents.length;
    const failed = this.counts.failed + this.counts.timed_out + this.counts.cancelled + this.counts.skipped;
    const finished = this.counts.succeeded + failed;
    return {
      total,
      pending: this.counts.pending,
      running: this.counts.running,
      succeeded: this.counts.succeeded,
      failed,
      percent: total === 0 ? 0 : Math.floor((finished * 100) / total),
    };
  }
}
