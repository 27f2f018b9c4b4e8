/** Agents as terminal text (pure; unit-tested): the list, one agent's definition, its versions. */
import type { AgentRecord } from '@hub/contracts';
import { table, truncate } from './render';

const list = (names: readonly string[]): string => (names.length > 0 ? names.join(', ') : '-');

export function renderAgents(agents: readonly AgentRecord[]): string {
  if (agents.length === 0) return 'No agents.';
  return table(
    ['NAME', 'VERSION', 'SOURCE', 'HANDOFFS', 'DELEGATES', 'DESCRIPTION'],
    [...agents]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((a) => [a.name, String(a.version), a.source, list(a.handoffs), list(a.delegates), truncate(a.description, 60)]),
  );
}

/** An agent's definition; with `versions` (newest first) a line listing them, the shown one marked. */
export function renderAgent(a: AgentRecord, versions?: readonly AgentRecord[]): string {
  const out = [
    `Agent ${a.name}@${a.version}  source: ${a.source}  updated: ${a.updatedAt}`,
    ...(a.description ? [`Description: ${a.description}`] : []),
    `Model: ${a.model === undefined ? '(default)' : [a.model].flat().join(' → ')}  temperature: ${a.temperature}  max tool rounds: ${a.maxToolRounds}`,
    `Tools: ${list(a.tools)}`,
    `Hands off to: ${list(a.handoffs)}`,
    `Delegates to: ${list(a.delegates)}`,
  ];
  if (a.outputSchema) out.push(`Output schema: ${truncate(JSON.stringify(a.outputSchema), 200)}`);
  out.push('Instructions:', ...a.instructions.split('\n').map((l) => `  ${l}`));
  if (versions && versions.length > 0) {
    const latest = Math.max(...versions.map((v) => v.version));
    out.push(
      `Versions: ${versions
        .map((v) => `${v.version}${v.version === latest ? ' (latest)' : ''}${v.version === a.version ? ' *' : ''}`)
        .join(', ')}  (pin one: hub chat --agent ${a.name}@N)`,
    );
  }
  return out.join('\n');
}

/** The versions of an agent, newest first, with what changed in each (instructions, model, tools, edges). */
export function renderVersions(name: string, versions: readonly AgentRecord[]): string {
  if (versions.length === 0) return `${name}: no versions.`;
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  return table(
    ['VERSION', 'UPDATED', 'CHANGED', 'INSTRUCTIONS'],
    sorted.map((v, i) => [String(v.version), v.updatedAt, changes(sorted[i + 1], v), truncate(v.instructions, 60)]),
  );
}

const FIELDS = ['description', 'instructions', 'model', 'temperature', 'tools', 'maxToolRounds', 'handoffs', 'delegates', 'outputSchema'] as const;

/** The fields that differ from the previous version ('created' for the first one kept). */
export function changes(prev: AgentRecord | undefined, v: AgentRecord): string {
  if (!prev) return v.version === 1 ? 'created' : '-';
  const changed = FIELDS.filter((f) => JSON.stringify(prev[f]) !== JSON.stringify(v[f]));
  return changed.length > 0 ? changed.join(', ') : 'nothing';
}
