/**
 * `npm run bench [-- <suite>… [options]]`: runs the named suites, or all of them when none is named.
 * Each suite is a module under ./suites/ (see lib/suite.ts), found by listing that folder, so adding a
 * suite touches no shared file. Figures are printed and written as JSON under infra/bench/results/;
 * they are reported, never asserted.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSuite } from './lib/suite';

const suitesDir = join(dirname(fileURLToPath(import.meta.url)), 'suites');

async function loadSuites(): Promise<Map<string, BenchSuite>> {
  const names = readdirSync(suitesDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  const suites = new Map<string, BenchSuite>();
  for (const name of names) suites.set(name, ((await import(join(suitesDir, `${name}.ts`))) as { default: BenchSuite }).default);
  return suites;
}

function usage(suites: Map<string, BenchSuite>): string {
  const list = [...suites].map(([name, s]) => `  ${name.padEnd(10)} ${s.summary}`).join('\n');
  return `Usage: npm run bench [-- [suite…] [options]]

Runs the named suites, or all of them when none is named
(e.g. \`npm run bench -- fanout --rounds 3\`).

Suites:
${list}

${[...suites.values()].map((s) => s.help).join('\n')}`;
}

async function main(): Promise<void> {
  const suites = await loadSuites();
  const argv = process.argv;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage(suites));
    return;
  }
  const named = argv.slice(2).filter((a) => suites.has(a));
  const unknown = argv.slice(2).filter((a, i, all) => !a.startsWith('-') && !suites.has(a) && !(all[i - 1] ?? '').startsWith('--'));
  if (unknown.length > 0) throw new Error(`unknown suite ${unknown.map((u) => `'${u}'`).join(', ')}; suites: ${[...suites.keys()].join(', ')}`);
  for (const [name, suite] of suites) if (named.length === 0 || named.includes(name)) await suite.run(argv);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
