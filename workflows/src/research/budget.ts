/**
 * A research job waiting for its tenant's budget (`../budget-wait`): its status is `waiting_budget` while any
 * of its model calls (planner, agents, synthesizer) waits, and `budget.waiting` / `budget.resumed` events
 * say how many agents wait and until when at most.
 */
import type { ResearchEvent, ResearchStatus } from '@hub/contracts';
import type { BudgetWaitHooks, BudgetWake } from '../budget-wait';

export interface ResearchBudget {
  wake: BudgetWake;
  /** false (`waitForBudget: false`): agents whose budget is spent fail at once. */
  wait: boolean;
  /** The hooks of a wait of `agents` agents (0: the planner's or the synthesizer's call). */
  hooks(agents: number): BudgetWaitHooks;
}

export function researchBudget(o: { wake: BudgetWake; wait: boolean; state: { status: ResearchStatus }; emit(ev: ResearchEvent): void }): ResearchBudget {
  let waiting = 0;
  let before: ResearchStatus = o.state.status;
  return {
    wake: o.wake,
    wait: o.wait,
    hooks: (agents) => ({
      wake: o.wake,
      wait: o.wait,
      onWait: (d) => {
        if (waiting === 0) before = o.state.status;
        waiting += 1;
        o.state.status = 'waiting_budget';
        o.emit({ type: 'budget.waiting', agents, scope: d.scope, resetsAt: new Date(d.resetsAt).toISOString() });
      },
      onResume: () => {
        waiting -= 1;
        if (waiting === 0 && o.state.status === 'waiting_budget') o.state.status = before;
        o.emit({ type: 'budget.resumed', agents });
      },
    }),
  };
}
