import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { formatIssues } from '@hub/contracts';

type AnyAjv = Ajv | Ajv2019 | Ajv2020;

const OPTIONS = { allErrors: true, strict: false, validateFormats: true } as const;

let instances: { draft7: Ajv; d2019: Ajv2019; d2020: Ajv2020 } | undefined;

function ajvFor(schema: Record<string, unknown>): AnyAjv {
  if (!instances) {
    const draft7 = new Ajv(OPTIONS);
    const d2019 = new Ajv2019(OPTIONS);
    const d2020 = new Ajv2020(OPTIONS);
    for (const a of [draft7, d2019, d2020]) addFormats(a as Ajv);
    instances = { draft7, d2019, d2020 };
  }
  const meta = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (meta.includes('2020-12')) return instances.d2020;
  if (meta.includes('2019-09')) return instances.d2019;
  return instances.draft7;
}

const CACHE_MAX = 500;
const cache = new Map<string, ValidateFunction | null>();

/**
 * A compiled validator for a tool's input schema, cached by `key` (the
 * tool's definition hash). `null` when the schema does not compile (then the
 * server validates on its own). Draft-07 by default; 2019-09 / 2020-12 when
 * `$schema` says so. Formats are checked (ajv-formats); unknown keywords and
 * formats are ignored.
 */
export function validatorFor(key: string, schema: Record<string, unknown>): ValidateFunction | null {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let fn: ValidateFunction | null = null;
  try {
    fn = ajvFor(schema).compile(schema);
  } catch {
    try {
      // E.g. an unknown `$schema` (draft-04): try the schema as draft 2020-12 without it.
      const { $schema: _ignored, ...rest } = schema;
      fn = ajvFor({}).compile(rest);
    } catch {
      fn = null;
    }
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, fn);
  return fn;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

/** Ajv errors as `field.sub[0]: message; …`, naming each failing field. */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined, max = 10): string {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const path = pointerToPath(e.instancePath);
    let message = e.message ?? 'is invalid';
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      path.push(params.missingProperty);
      message = 'is required';
    } else if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path.push(params.additionalProperty);
      message = 'is not allowed';
    } else if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const line = JSON.stringify([path, message]);
    if (seen.has(line)) continue;
    seen.add(line);
    issues.push({ path, message });
    if (issues.length >= max) break;
  }
  return formatIssues(issues, '(arguments)');
}
