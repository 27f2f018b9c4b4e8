/**
 * 405 for a known path with a wrong method (`DELETE /v1/tasks`): the paths and methods come from
 * the routes' OpenAPI declarations, so the answer and the document agree. An unknown path stays 404.
 */
import type { GatewayApp } from './env';

interface PathMethods {
  re: RegExp;
  methods: Set<string>;
}

/** `/v1/tasks/{id}/cancel` → a regex matching one concrete path of it. */
function templateRegex(path: string): RegExp {
  const parts = path.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}

/** The methods each documented path answers (HEAD with GET), plus `extra` (paths served outside the registry). */
export function allowedMethodsOf(app: GatewayApp, extra: Record<string, string[]> = {}): (path: string) => string[] | undefined {
  let table: PathMethods[] | undefined;
  const build = (): PathMethods[] => {
    const byPath = new Map<string, Set<string>>();
    const add = (path: string, method: string) => {
      const set = byPath.get(path) ?? new Set<string>();
      set.add(method.toUpperCase());
      if (method.toUpperCase() === 'GET') set.add('HEAD');
      byPath.set(path, set);
    };
    for (const def of app.openAPIRegistry.definitions) {
      if (def.type === 'route') add(def.route.path, def.route.method);
    }
    for (const [path, methods] of Object.entries(extra)) for (const m of methods) add(path, m);
    return [...byPath].map(([path, methods]) => ({ re: templateRegex(path), methods }));
  };
  return (path) => {
    table ??= build();
    const methods = new Set<string>();
    for (const entry of table) if (entry.re.test(path)) for (const m of entry.methods) methods.add(m);
    return methods.size > 0 ? [...methods].sort() : undefined;
  };
}
