/**
 * The Temporal databases on the cluster's PostgreSQL, set up by the server's own SQL tool (temporal-sql-tool)
 * from the schema files of the same module version: `temporal` (the default store) and `temporal_visibility`
 * (SQL visibility). Every step is idempotent, so it runs at every start: create-database (nothing if it
 * exists), setup-schema -v 0.0 (nothing once versioned), update-schema to the newest version in `versioned/`
 * (nothing when current; a newer server version's migrations otherwise).
 */
import { join } from 'node:path';
import { runCommand, tailLines } from '../process';
import type { TemporalServerBuild } from './server-build';

export const TEMPORAL_DATABASES = [
  { name: 'temporal', schema: 'temporal' },
  { name: 'temporal_visibility', schema: 'visibility' },
] as const;

export interface SchemaTarget {
  port: number;
  user: string;
  password: string;
}

export async function setupTemporalSchemas(build: TemporalServerBuild, target: SchemaTarget, log: (msg: string) => void): Promise<void> {
  const started = Date.now();
  // The password goes through the environment (SQL_PASSWORD), not the command line.
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], SQL_PASSWORD: target.password };
  const base = ['--plugin', 'postgres12', '--endpoint', '127.0.0.1', '--port', String(target.port), '--user', target.user];
  for (const db of TEMPORAL_DATABASES) {
    const steps: string[][] = [
      ['create-database'],
      ['setup-schema', '-v', '0.0'],
      ['update-schema', '-d', join(build.schemaDir, db.schema, 'versioned')],
    ];
    for (const step of steps) {
      const r = await runCommand(build.sqlTool, [...base, '--database', db.name, ...step], { env, timeoutMs: 5 * 60_000 });
      if (r.error || r.code !== 0) {
        throw new Error(`temporal-sql-tool ${step[0]} on ${db.name} failed (${r.error?.message ?? `exit ${r.code}`}):\n${tailLines(r.stderr + r.stdout, 10)}`);
      }
    }
  }
  log(`Temporal schemas (temporal, temporal_visibility) are at ${build.version}'s newest versions (${Date.now() - started} ms)`);
}
