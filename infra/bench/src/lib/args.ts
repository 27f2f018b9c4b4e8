/** Command-line options of the bench suites (`npm run bench -- <suite> --name value`). */
export function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function positiveInt(text: string, name: string, max = Number.MAX_SAFE_INTEGER): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v <= 0 || v > max) throw new Error(`--${name} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`);
  return v;
}

/** A positive integer option with a default. */
export function intOption(argv: readonly string[], name: string, dflt: number, max?: number): number {
  const v = option(argv, name);
  return v === undefined ? dflt : positiveInt(v, name, max);
}

/** A comma-separated list of positive integers (e.g. `--agents 10,100,1000`). */
export function intListOption(argv: readonly string[], name: string, dflt: number[], max?: number): number[] {
  const v = option(argv, name);
  return v === undefined ? dflt : v.split(',').map((s) => positiveInt(s.trim(), name, max));
}
