/**
 * `hub`: entry point. Runs the command line and exits with its code (see
 * ./errors: 0 ok, 1 failed, 2 usage, 3 API, 4 not found, 130 interrupted).
 */
import { main } from './run';

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
process.exit(code);
