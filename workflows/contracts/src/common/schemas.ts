/**
 * What every domain's `schemas.ts` shares: the compile-time proof that a zod
 * schema describes exactly the plain type its `wire.ts` declares. Wire types
 * are written out in TypeScript (workflow code never constructs the API
 * schemas, and `wire.ts` never imports a schema); each schema is checked
 * against its wire type, so the two cannot drift:
 *
 *   type _Proofs = [Expect<Same<z.infer<typeof TaskStateSchema>, TaskState>>];
 *
 * fails to compile when a field differs in name, type or optionality.
 */

/** `true` when A and B are mutually assignable and have the same keys with the same optionality, else `false`. */
export type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [KeysOf<A>] extends [KeysOf<B>]
      ? [KeysOf<B>] extends [KeysOf<A>]
        ? true
        : false
      : false
    : false
  : false;

/** Compiles only for `true`. */
export type Expect<T extends true> = T;

/** The keys of every member of a union with their optionality, recursively through objects and arrays. */
type KeysOf<T> = T extends readonly (infer E)[]
  ? { items: KeysOf<E> }
  : T extends object
    ? { [K in keyof T]-?: [undefined extends T[K] ? 'optional' : 'required', KeysOf<NonNullable<T[K]>>] }
    : T;
