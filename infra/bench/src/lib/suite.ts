/**
 * A benchmark suite: one module per suite under src/suites/, named as on the command line
 * (`npm run bench -- <name>`), default-exporting this shape. main.ts finds them by listing that folder.
 */
export interface BenchSuite {
  /** One line for the suite list. */
  summary: string;
  /** Its options and what it measures (printed by --help). */
  help: string;
  run(argv: string[]): Promise<void>;
}
