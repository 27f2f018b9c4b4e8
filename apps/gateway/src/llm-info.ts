/**
 * Which LLM the hub's workers use, for `GET /readyz` (`details.llm`). The gateway never calls the model;
 * it reports what the deployment is configured with:
 *
 *   HUB_LLM_MODE     `local` when `npm start` runs the embedded local model server (it sets this, and points
 *                    OPENAI_BASE_URL at that server); anything else / unset: `remote`
 *   OPENAI_BASE_URL  the endpoint (default https://api.openai.com/v1); credentials in the URL are not shown
 *   HUB_MODEL        the default model (default gpt-4o-mini; `npm start` sets the local model's id)
 */
import { DEFAULT_MODEL, OPENAI_DEFAULT_BASE_URL } from '@hub/agents/llm-config';

export interface LlmInfo {
  mode: 'local' | 'remote';
  baseURL: string;
  model: string;
}

/** The URL without user info, query or fragment (they may carry secrets). */
function displayUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

export function describeLlm(env: Record<string, string | undefined> = process.env): LlmInfo {
  return {
    mode: env['HUB_LLM_MODE']?.trim() === 'local' ? 'local' : 'remote',
    baseURL: displayUrl(env['OPENAI_BASE_URL']?.trim() || OPENAI_DEFAULT_BASE_URL),
    model: env['HUB_MODEL']?.trim() || DEFAULT_MODEL,
  };
}
