/** The agent profiles of a research job: the researcher, and the planner and synthesizer beside it. */
import type { AgentProfile } from '@hub/contracts';
import type { AgentResolver, ProfileSource } from '../profiles';
import type { RequestContext } from '../request-context';

export const RESEARCH_PROFILES = { researcher: 'researcher', planner: 'research-planner', synthesizer: 'research-synthesizer' } as const;

export interface ResearchProfiles {
  planner: AgentProfile;
  researcher: AgentProfile;
  synthesizer: AgentProfile;
}

/** The default profiles of a research job (planner and synthesizer fall back to the researcher without tools). */
export function researchProfiles(profiles: ProfileSource, agent: string = RESEARCH_PROFILES.researcher): ResearchProfiles | undefined {
  const researcher = profiles.get(agent);
  if (!researcher) return undefined;
  const noTools = { ...researcher, tools: [], maxToolRounds: 0 };
  return {
    researcher,
    planner: profiles.get(RESEARCH_PROFILES.planner) ?? noTools,
    synthesizer: profiles.get(RESEARCH_PROFILES.synthesizer) ?? noTools,
  };
}

/**
 * The profiles of `POST /v1/research`: `agent` (every research agent), `planner` and `synthesizer`, each a
 * reference the tenant may use (`name` or `name@3`, pinned now; 400 naming the field when unknown). Unset:
 * the built-in ones (planner and synthesizer: the researcher without tools when there are none).
 */
export async function resolveResearchProfiles(
  ctx: RequestContext,
  agents: AgentResolver,
  profiles: ProfileSource,
  body: { agent?: string | undefined; planner?: string | undefined; synthesizer?: string | undefined },
): Promise<ResearchProfiles> {
  const pinned = (ref: string | undefined, field: string) => (ref === undefined ? undefined : agents.resolve(ctx, ref, field).then((r) => r.profile));
  const [agent, planner, synthesizer] = await Promise.all([
    pinned(body.agent ?? RESEARCH_PROFILES.researcher, 'agent'),
    pinned(body.planner, 'planner'),
    pinned(body.synthesizer, 'synthesizer'),
  ]);
  const noTools = { ...agent!, tools: [], maxToolRounds: 0 };
  return {
    researcher: agent!,
    planner: planner ?? profiles.get(RESEARCH_PROFILES.planner) ?? noTools,
    synthesizer: synthesizer ?? profiles.get(RESEARCH_PROFILES.synthesizer) ?? noTools,
  };
}
