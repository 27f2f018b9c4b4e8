/** `hub research "question"`: start a job, show live progress, print the report. */
import { Option, type Command } from 'commander';
import type { HubClient, Schema } from '@hub/gateway/client';
import { ok, unreachable } from '../api';
import { parseDuration, parseIntArg, parseRatio } from '../args';
import { CliError, EXIT, type ExitCode } from '../errors';
import type { Io } from '../io';
import { progressBar, renderReport } from '../render';
import type { CommandContext } from './context';

type ResearchJob = Schema<'ResearchJob'>;
const FINAL = new Set(['completed', 'failed', 'cancelled']);

export interface ResearchOptions {
  question: string;
  agents: number;
  minSuccess?: number | undefined;
  deadline?: string | undefined;
  concurrency?: number | undefined;
  json: boolean;
}

/** The request body for the options (exported for tests). */
export function researchBody(o: ResearchOptions): Schema<'CreateResearch'> {
  const policy = {
    ...(o.minSuccess !== undefined ? { minSuccessRatio: o.minSuccess } : {}),
    ...(o.deadline !== undefined ? { deadline: o.deadline } : {}),
  };
  return {
    question: o.question,
    maxAgents: o.agents,
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
    ...(Object.keys(policy).length > 0 ? { policy } : {}),
  };
}

export async function runResearch(io: Io, hub: HubClient, o: ResearchOptions): Promise<ExitCode> {
  const { id } = await ok(hub.POST('/v1/research', { body: researchBody(o) }), 'research');
  const live = io.stderr.isTTY === true;
  if (!o.json) io.stderr.write(`Research job ${id} started (${o.agents} agents).\n`);

  const stop = new AbortController();
  let interrupted = false;
  const onInt = (): void => {
    interrupted = true;
    stop.abort();
  };
  process.on('SIGINT', onInt);
  let lastLine = '';
  const show = (p: ResearchJob['progress'] | undefined): void => {
    if (o.json || !p) return;
    const line = progressBar(p);
    if (line === lastLine) return;
    lastLine = line;
    // A TTY redraws one line; a pipe or file gets one line per change.
    io.stderr.write(live ? `\r${line}\x1b[K` : `${line}\n`);
  };
  try {
    for await (const msg of hub.events('/v1/research/{id}/events', id, { signal: stop.signal })) {
      if (msg.event === 'stream.end') break;
      let data: { progress?: ResearchJob['progress']; status?: string; error?: string; agents?: number; resetsAt?: string } | undefined;
      try {
        data = JSON.parse(msg.data) as typeof data;
      } catch {
        data = undefined;
      }
      show(data?.progress);
      if (msg.event === 'agent.failed' && !o.json && !live) io.stderr.write(`agent failed: ${msg.data}\n`);
      if (msg.event === 'budget.waiting' && !o.json) {
        io.stderr.write(`${live ? '\n' : ''}[waiting for budget] ${data?.agents ?? 0} agents wait for the tenant's budget: resumes after a top-up (hub budget topup) or at ${data?.resetsAt ?? 'the next period'}\n`);
      }
    }
  } catch (err) {
    if (!interrupted) {
      if (err instanceof CliError) throw err;
      const status = (err as { status?: number }).status;
      if (status === 404) throw new CliError(`research ${id}: not found`, EXIT.notFound);
      throw status ? new CliError(`research ${id} events: ${(err as Error).message}`, EXIT.api) : unreachable(err);
    }
  } finally {
    process.off('SIGINT', onInt);
    if (live && lastLine) io.stderr.write('\n');
  }

  if (interrupted) {
    io.stderr.write(`Interrupted: cancelling research job ${id}…\n`);
    await ok(hub.POST('/v1/research/{id}/cancel', { params: { path: { id } } }), `research ${id}`).catch(() => undefined);
    return EXIT.interrupted;
  }

  // The stream has ended; the job's final state is a GET away (bounded wait for the last update).
  let job = await ok(hub.GET('/v1/research/{id}', { params: { path: { id } } }), `research ${id}`);
  for (let i = 0; i < 100 && !FINAL.has(job.status); i++) {
    await new Promise((r) => setTimeout(r, 200));
    job = await ok(hub.GET('/v1/research/{id}', { params: { path: { id } } }), `research ${id}`);
  }
  if (o.json) io.stdout.write(JSON.stringify(job, null, 2) + '\n');
  else io.stdout.write(renderReport(job) + '\n');
  return job.status === 'completed' ? EXIT.ok : EXIT.failed;
}

export function registerResearch(program: Command, { io, hub, run }: CommandContext): void {
  program
    .command('research')
    .description('Run a research job: parallel agents research parts of QUESTION; shows live progress, then the report with citations')
    .argument('<question>', 'the research question')
    .addOption(new Option('--agents <n>', 'number of sub-agents').argParser(parseIntArg(1, 10000)).default(5))
    .addOption(new Option('--min-success <ratio>', 'share of agents that must succeed (0..1)').argParser(parseRatio))
    .addOption(new Option('--deadline <duration>', 'time the agents have, e.g. 90s, 10m, 2h').argParser(parseDuration))
    .addOption(new Option('--concurrency <n>', 'most agents running at once').argParser(parseIntArg(1, 500)))
    .option('--json', 'print the final job as JSON (no progress bar)')
    .addHelpText('after', '\nExit code 0 when the job completes, 1 when it fails or is cancelled; Ctrl-C cancels the job (exit 130).')
    .action(
      run(
        async (question: string, opts: { agents: number; minSuccess?: number; deadline?: string; concurrency?: number; json?: boolean }, cmd: Command) =>
          runResearch(io, hub(cmd), { question, ...opts, json: opts.json ?? false }),
      ),
    );
}
