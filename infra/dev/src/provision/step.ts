/** One step of `npm run provision` (see main.ts). */
export interface ProvisionStep {
  name: string;
  /** Short description for --help. */
  description: string;
  /** Does the work; returns one summary line. Throw an Error with a helpful message on failure. */
  run(ctx: { env: NodeJS.ProcessEnv; log: (msg: string) => void }): Promise<string>;
}
