/**
 * The session's agents: its pinned team, the active agent and handoffs between them.
 *
 * An agent with `handoffs: ['billing']` is offered the workflow tool `transfer_to_billing`. Calling it
 * switches the session's active agent: the conversation goes on with billing's instructions, tools, model,
 * temperature and round limit from the next model call on (the agent loop reads the active profile before
 * each call), the tool's result tells the model it was transferred, and `agent.handoff` is published. The
 * switch is workflow state only (no command): it is carried across continue-as-new with the handoff path.
 * A router is an agent whose tools are handoffs.
 */
import { handoffToolName } from '@hub/contracts/agent/wire';
import type { AgentProfile, HandoffRecord, ToolSpec } from '@hub/contracts';
import type { EventSink, WorkflowTool } from './agent-turn-types';
import { nowIso } from './util';

/** Handoffs one turn may make (a router and its agents passing the conversation back and forth stop here). */
export const MAX_HANDOFFS_PER_TURN = 8;
/** Handoff records carried into the next run (the newest). */
export const CARRIED_HANDOFFS = 100;

export class SessionAgents {
  readonly team: ReadonlyMap<string, AgentProfile>;
  private activeProfile: AgentProfile;
  private readonly path: HandoffRecord[];

  /** `root`: the agent the session started with; `team`: its pinned team (root included); `carried`: the previous run's. */
  constructor(
    readonly root: AgentProfile,
    team: readonly AgentProfile[] | undefined,
    carried: { activeAgent?: string | undefined; handoffs?: HandoffRecord[] | undefined } | undefined,
    private readonly events: EventSink,
  ) {
    const members = new Map<string, AgentProfile>((team ?? []).map((p) => [p.name, p]));
    members.set(root.name, root);
    this.team = members;
    this.activeProfile = (carried?.activeAgent !== undefined ? members.get(carried.activeAgent) : undefined) ?? root;
    this.path = [...(carried?.handoffs ?? [])];
  }

  /** The agent that answers the next model call. */
  get active(): AgentProfile {
    return this.activeProfile;
  }

  /** The handoffs so far, oldest first. */
  handoffs(): HandoffRecord[] {
    return [...this.path];
  }

  /** What continue-as-new carries (nothing for a session that never handed off). */
  carried(): { activeAgent?: string; handoffs?: HandoffRecord[] } {
    if (this.path.length === 0 && this.activeProfile === this.root) return {};
    return { activeAgent: this.activeProfile.name, handoffs: this.path.slice(-CARRIED_HANDOFFS) };
  }

  /** The `transfer_to_<name>` tools of `profile` (offered while it is the active agent). */
  handoffTools(profile: AgentProfile): WorkflowTool[] {
    return (profile.handoffs ?? []).map((to) => this.handoffTool(profile, to));
  }

  private handoffTool(from: AgentProfile, to: string): WorkflowTool {
    const target = this.team.get(to);
    const spec: ToolSpec = {
      name: handoffToolName(to),
      description: `Transfer the conversation to the agent '${to}', who answers the user from then on${target?.description ? `: ${target.description}` : '.'}`,
      parameters: { type: 'object', properties: {}, additionalProperties: false },
      requiresApproval: false,
    };
    return {
      spec,
      run: (call, turnId) => {
        if (!target) return Promise.resolve({ ok: false, content: `no agent '${to}' in this session's team; you are still '${from.name}'` });
        if (this.activeProfile !== from) {
          return Promise.resolve({ ok: false, content: `the conversation was already transferred to '${this.activeProfile.name}'` });
        }
        if (this.path.filter((h) => h.turnId === turnId).length >= MAX_HANDOFFS_PER_TURN) {
          return Promise.resolve({ ok: false, content: `at most ${MAX_HANDOFFS_PER_TURN} handoffs per turn; answer the user as '${from.name}'` });
        }
        this.activeProfile = target;
        this.path.push({ from: from.name, to, turnId, at: nowIso() });
        this.events.publish({ type: 'agent.handoff', turnId, toolCallId: call.id, from: from.name, to });
        return Promise.resolve({
          ok: true,
          content: `Transferred the conversation to '${to}'. You are now '${to}': continue with the user's request.`,
        });
      },
    };
  }
}
