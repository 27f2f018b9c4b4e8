/**
 * The one module of workflow code that imports zod at runtime: Update
 * validators and the research planner check what they receive against the
 * schemas `@hub/contracts` defines as functions of zod (`sendMessageSchemas`,
 * `mcpServerSchemas`, `researchPlanSchemas`), built here on first use, since
 * module scope runs again for every workflow run and most runs need none.
 */
import { z } from 'zod';
import { formatIssues, type ZodBuilders } from '@hub/contracts/common/wire';

/**
 * The zod functions the builders use, named one by one: handing over the whole `z` namespace would make the
 * bundler keep all of zod (its locales included) in the bundle.
 */
const zod: ZodBuilders = {
  array: z.array,
  boolean: z.boolean,
  number: z.number,
  object: z.object,
  record: z.record,
  string: z.string,
  union: z.union,
  url: z.url,
  toJSONSchema: z.toJSONSchema,
};

/** What `build` returns given zod, built on the first call and kept. */
export function withZod<T>(build: (zod: ZodBuilders) => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build(zod) }).value;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Checks `value` against `schema`; the error names each offending field (`root` names the value itself). */
export function check<T>(schema: z.ZodType<T>, value: unknown, root: string): Checked<T> {
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: formatIssues(parsed.error.issues, root) };
}
