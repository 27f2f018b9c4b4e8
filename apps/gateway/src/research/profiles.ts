/** The agent profiles of a research job: the researcher, and the planner and synthesizer beside it. */
import type { AgentProfile } from '@hub/contracts';
import type { ProfileSource } from '../profiles';

export const RESEARCH_PROFILES = { researcher: 'researcher', planner: 'research-planner', synthesizer: 'research-synthesizer' } as const;

/** The profiles of a research job (planner and synthesizer fall back to the researcher without tools). */
export function researchProfiles(
  profiles: ProfileSource,
  agent: string = RESEARCH_PROFILES.researcher,
): { planner: AgentProfile; researcher: AgentProfile; synthesizer: AgentProfile } | undefined {
  const researcher = profiles.get(agent);
  if (!researcher) return undefined;
  const noTools = { ...researcher, tools: [], maxToolRounds: 0 };
  return {
    researcher,
    planner: profiles.get(RESEARCH_PROFILES.planner) ?? noTools,
    synthesizer: profiles.get(RESEARCH_PROFILES.synthesizer) ?? noTools,
  };
}
