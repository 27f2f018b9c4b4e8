/**
 * The hub config file (`hub.config.json`; path from HUB_CONFIG, default
 * `<repo>/hub.config.json`): MCP servers in the Claude Desktop / Cursor
 * `mcpServers` shape plus hub security settings. Validated with the zod
 * schema from contracts; a bad entry is reported with the path of the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { HubConfigSchema, type HubConfig } from '@hub/contracts';
import { ConfigError, repoRoot, type Env } from './config';

export function hubConfigPath(env: Env = process.env): { path: string; explicit: boolean } {
  const configured = env['HUB_CONFIG']?.trim();
  if (configured) return { path: isAbsolute(configured) ? configured : resolve(process.cwd(), configured), explicit: true };
  return { path: join(repoRoot(), 'hub.config.json'), explicit: false };
}

/** Parses and validates config text; `source` names the file in errors. */
export function parseHubConfig(text: string, source = 'hub.config.json'): HubConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = HubConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`${source} is invalid:\n  ${issues.join('\n  ')}`);
  }
  return parsed.data;
}

/** Reads the hub config; a missing default file is an empty config, a missing HUB_CONFIG file is an error. */
export function loadHubConfig(env: Env = process.env): HubConfig {
  const { path, explicit } = hubConfigPath(env);
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError(`HUB_CONFIG=${path}: file not found`);
    return HubConfigSchema.parse({});
  }
  return parseHubConfig(readFileSync(path, 'utf8'), path);
}
