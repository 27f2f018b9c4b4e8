/** Where the gateway finds agent profiles by name (`@hub/agents/profiles` in production, fixtures in tests). */
import type { AgentProfile } from '@hub/contracts';

export interface ProfileSource {
  get(name: string): AgentProfile | undefined;
  list(): AgentProfile[];
}
