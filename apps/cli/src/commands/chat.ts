/**
 * `hub chat [session]`: the interactive REPL.
 *
 * Messages are sent with `?wait=false`; the session's SSE stream (one
 * subscription, resumable) shows the followed turn as it happens: tokens,
 * tool calls and results, approval prompts. Only the turn the REPL is
 * following is rendered (a replayed history or a detached turn is not).
 *
 * Ctrl-C during a turn stops following it and returns to the prompt (the turn
 * goes on); the next message is sent with `interrupt: true`, which cancels that
 * turn if it is still running. Ctrl-C at
 * the prompt exits (130); `/exit` or Ctrl-D exit with 0.
 */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { SessionEvent } from '@hub/contracts';
import type { HubClient, Schema } from '@hub/gateway/client';
import { ok, unreachable } from '../api';
import { CliError, EXIT, type ExitCode } from '../errors';
import type { Io } from '../io';
import { renderSession } from '../render';
import { delegationOf, TurnRenderer } from '../turn-renderer';
import type { CommandContext } from './context';

export { TurnRenderer } from '../turn-renderer';

type SessionState = Schema<'SessionState'>;

export function registerChat(program: Command, { io, hub, run }: CommandContext): void {
  program
    .command('chat')
    .description('Interactive chat with a session (new one unless SESSION is given): streams tokens, shows tool calls, asks for approvals')
    .argument('[session]', 'id of an existing session to continue')
    .option('--agent <name[@version]>', 'agent of a new session: its latest version, or name@N to pin version N (default: assistant; see hub agents ls)')
    .addHelpText(
      'after',
      [
        '',
        'In the chat: Ctrl-C interrupts a running turn (or exits when idle); /exit or Ctrl-D exits; /close closes the session and exits.',
        'Handoffs show as "→ handed off to billing" (the reply goes on under the new agent); delegations show as a tree under',
        'their ask_<agent> tool call: "↳ researcher: <task>", the delegate\'s tool calls and answer indented, then "✓ researcher answered".',
        '',
        'Examples:',
        '  hub chat --agent team-lead      chat with the latest version of team-lead',
        '  hub chat --agent support@2      pin version 2 of support for the whole session',
        '  hub chat 3f2c…                  continue an existing session',
      ].join('\n'),
    )
    .action(run(async (session: string | undefined, opts: { agent?: string }, cmd: Command) => runChat(io, hub(cmd), { session, agent: opts.agent })));
}

export interface ChatOptions {
  session?: string | undefined;
  agent?: string | undefined;
}

/** y/yes → approve, n/no → deny, anything else → undefined (ask again). */
export function parseYesNo(answer: string): boolean | undefined {
  const a = answer.trim().toLowerCase();
  if (a === 'y' || a === 'yes') return true;
  if (a === 'n' || a === 'no') return false;
  return undefined;
}

const END_EVENTS = new Set(['turn.completed', 'turn.failed', 'turn.interrupted']);

interface Followed {
  text: string;
  turnId?: string;
  resolve: (how: 'ended' | 'detached' | 'closed') => void;
  renderer: TurnRenderer;
}

export async function runChat(io: Io, hub: HubClient, o: ChatOptions): Promise<ExitCode> {
  let state: SessionState;
  if (o.session) {
    state = await ok(hub.GET('/v1/sessions/{id}', { params: { path: { id: o.session } } }), `session ${o.session}`);
    if (state.status === 'closed') throw new CliError(`session ${state.sessionId} is closed (hub sessions show ${state.sessionId})`, EXIT.api);
  } else {
    state = (await ok(hub.POST('/v1/sessions', { body: o.agent ? { agent: o.agent } : {} }), 'new session')).session;
  }
  const id = state.sessionId;
  /** The agent answering (the active one: handoffs change it). */
  let agent = state.agent;
  const out = (s: string): void => void io.stdout.write(s);

  if (o.session) {
    const recent = { ...state, messages: state.messages.slice(-10), pendingApprovals: [] };
    out(renderSession(recent) + '\n');
  }
  out(`Session ${id} (agent ${state.agent}). Type a message; Ctrl-C interrupts a turn or exits, /exit leaves, /close closes the session.\n`);

  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: io.stdin.isTTY === true && io.stdout.isTTY === true });
  const lines: string[] = [];
  let waiter: ((line: string | null) => void) | undefined;
  let inputClosed = false;
  rl.on('line', (l) => {
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(l);
    } else lines.push(l);
  });
  rl.on('close', () => {
    inputClosed = true;
    waiter?.(null);
    waiter = undefined;
  });
  const ask = (prompt: string): Promise<string | null> => {
    rl.setPrompt(prompt);
    rl.prompt();
    if (lines.length > 0) return Promise.resolve(lines.shift()!);
    if (inputClosed) return Promise.resolve(null);
    return new Promise((r) => (waiter = r));
  };
  const cancelAsk = (): void => {
    const w = waiter;
    waiter = undefined;
    w?.(null);
  };

  let followed: Followed | undefined;
  /**
   * A turn the user detached from with Ctrl-C (its id, or `true` when its id was not seen yet); the next
   * message is sent with `interrupt: true`, which cancels it if it still runs (and is harmless otherwise).
   */
  let detached: string | true | undefined;
  let mode: 'idle' | 'turn' | 'approval' = 'idle';
  let interruptedAtPrompt = false;
  let streamError: unknown;
  const seenTurns = new Set<string>();
  const handled = new Set<string>();
  /** approvalId → turnId (approval.resolved names only the approval). */
  const approvalTurns = new Map<string, string>();
  for (const m of state.messages) if (m.role === 'user' && 'turnId' in m && m.turnId) seenTurns.add(m.turnId);

  // Continuing a busy session: follow the turn that runs now (its events replay, its approvals are asked).
  let attached: Promise<'ended' | 'detached' | 'closed'> | undefined;
  const running = state.status === 'running' || state.status === 'awaiting_approval';
  const lastUser = [...state.messages].reverse().find((m) => m.role === 'user');
  if (running && lastUser && 'turnId' in lastUser && lastUser.turnId) {
    const turnId = lastUser.turnId;
    attached = new Promise((resolve) => {
      followed = { text: lastUser.content, turnId, resolve, renderer: new TurnRenderer(agent) };
    });
  }

  const onInterrupt = (): void => {
    if (mode === 'idle') {
      interruptedAtPrompt = true;
      out('\n');
      rl.close();
      return;
    }
    if (followed) {
      out(`\n^C — stopped following the turn; your next message interrupts it.\n`);
      detached = followed.turnId ?? true;
      const f = followed;
      followed = undefined;
      if (mode === 'approval') cancelAsk();
      f.resolve('detached');
    }
  };
  rl.on('SIGINT', onInterrupt);
  process.on('SIGINT', onInterrupt);

  const askApproval = async (a: SessionEvent & { type: 'approval.requested' }): Promise<void> => {
    mode = 'approval';
    let approve: boolean | undefined;
    while (approve === undefined) {
      const answer = await ask(`Approve ${a.approval.tool}? [y/n] `);
      if (answer === null) return; // detached or input closed: left pending
      approve = parseYesNo(answer);
    }
    const reason = await ask(approve ? 'Reason (optional): ' : 'Reason for denying (optional): ');
    if (reason === null) return;
    mode = 'turn';
    const body = { approve, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    try {
      await ok(
        hub.POST('/v1/sessions/{id}/approvals/{approvalId}', { params: { path: { id, approvalId: a.approval.approvalId } }, body }),
        `approval ${a.approval.approvalId}`,
      );
    } catch (err) {
      out(`hub: ${(err as Error).message}\n`);
    }
  };

  const handle = async (e: SessionEvent): Promise<void> => {
    if (e.type === 'session.closed') {
      out(`[session closed] ${e.reason}\n`);
      followed?.resolve('closed');
      followed = undefined;
      return;
    }
    if (e.type === 'approval.requested') approvalTurns.set(e.approval.approvalId, e.approval.turnId);
    const turnId =
      e.type === 'approval.requested' ? e.approval.turnId : e.type === 'approval.resolved' ? approvalTurns.get(e.approvalId) : 'turnId' in e ? e.turnId : undefined;
    // A delegate's events belong to the turn whose delegation they are in (nested ones: their parent's).
    const delegation = delegationOf(e) ?? (e.type === 'delegation.started' || e.type === 'delegation.completed' ? e.parentDelegationId : undefined);
    const inDelegation = delegation !== undefined && followed?.renderer.owns(delegation) === true;
    if (turnId === undefined && !inDelegation) return;
    if (turnId !== undefined && (e.type === 'message.queued' || e.type === 'turn.started') && followed && !followed.turnId && !seenTurns.has(turnId) && e.text === followed.text) {
      followed.turnId = turnId;
    }
    if (turnId !== undefined && (e.type === 'turn.started' || e.type === 'message.queued')) seenTurns.add(turnId);
    if (END_EVENTS.has(e.type) && turnId === detached) detached = undefined;
    if (!followed || (followed.turnId !== turnId && !inDelegation)) return;
    const text = followed.renderer.render(e);
    if (text) out(text);
    if (e.type === 'approval.requested' && !handled.has(e.approval.approvalId)) {
      handled.add(e.approval.approvalId);
      // A replayed request may be decided already: ask only while it is pending.
      const now = await ok(hub.GET('/v1/sessions/{id}', { params: { path: { id } } }), `session ${id}`).catch(() => undefined);
      if (now?.pendingApprovals.some((p) => p.approvalId === e.approval.approvalId)) await askApproval(e);
    }
    if (END_EVENTS.has(e.type)) {
      const f = followed;
      followed = undefined;
      agent = f.renderer.agent; // after a handoff, the next turn is the new agent's
      f.resolve('ended');
    }
  };

  const stop = new AbortController();
  const consumer = (async () => {
    try {
      for await (const msg of hub.events('/v1/sessions/{id}/events', id, { signal: stop.signal })) {
        if (msg.event === 'stream.end') break;
        if (msg.event === 'stream.truncated') continue;
        let e: SessionEvent;
        try {
          e = JSON.parse(msg.data) as SessionEvent;
        } catch {
          continue;
        }
        await handle(e);
      }
    } catch (err) {
      if (!stop.signal.aborted) {
        streamError = err;
        out(`\nhub: event stream failed: ${(err as Error).message}\n`);
        followed?.resolve('closed');
        rl.close();
      }
    }
  })();

  let code: ExitCode = EXIT.ok;
  try {
    if (attached) {
      mode = 'turn';
      out(`(following the running turn ${followed?.turnId ?? ''})\n`);
      await attached;
    }
    for (;;) {
      mode = 'idle';
      const line = await ask('you> ');
      if (line === null) break;
      const text = line.trim();
      if (text === '') continue;
      if (text === '/exit' || text === '/quit') break;
      if (text === '/help') {
        out('Commands: /exit (leave; the session stays open), /close (close the session and leave), /help. Ctrl-C interrupts a running turn.\n');
        continue;
      }
      if (text === '/close') {
        await ok(hub.DELETE('/v1/sessions/{id}', { params: { path: { id } } }), `session ${id}`);
        out(`Session ${id} closed.\n`);
        break;
      }
      mode = 'turn';
      // Taken before sending: a Ctrl-C while the POST is in flight detaches the new turn, and must stick.
      const interrupting = detached;
      detached = undefined;
      const ended = new Promise<'ended' | 'detached' | 'closed'>((resolve) => {
        followed = { text, resolve, renderer: new TurnRenderer(agent) };
      });
      try {
        await ok(
          hub.POST('/v1/sessions/{id}/messages', {
            params: { path: { id }, query: { wait: 'false' } },
            body: interrupting !== undefined ? { text, interrupt: true } : { text },
          }),
          `session ${id}`,
        );
      } catch (err) {
        followed = undefined;
        detached ??= interrupting;
        if (err instanceof CliError && err.exitCode === EXIT.notFound) throw err;
        out(`hub: ${(err as Error).message}\n`);
        if (err instanceof CliError && /closed/i.test(err.message)) {
          code = EXIT.api;
          break;
        }
        continue;
      }
      const how = await ended;
      if (how === 'closed') break;
    }
  } finally {
    stop.abort();
    rl.off('SIGINT', onInterrupt);
    process.off('SIGINT', onInterrupt);
    rl.close();
    await consumer;
  }
  if (streamError) throw (streamError as { status?: number }).status === 404 ? new CliError(`session ${id}: not found`, EXIT.notFound) : unreachable(streamError);
  return interruptedAtPrompt ? EXIT.interrupted : code;
}
