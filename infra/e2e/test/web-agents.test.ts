/**
 * The web app's agents in a real browser (Chromium via playwright-core, as
 * web.test.ts), against the real stack (dev server, worker, gateway) and the
 * scripted LLM answering each agent from its own script (`teamResponder`, by
 * the `[agent:<name>]` tag the test puts in the instructions).
 *
 * A person's jobs: see the built-in agents (read-only), create an agent in the
 * Agents screen and see the gateway's validation message next to the bad
 * field, edit it into a second version, see deleting a delegate refused while
 * another agent names it; chat with a supervisor and watch its delegate's
 * transcript fold under the ask_ call (not in the reply), approve a delegate's
 * tool call on the session, and chat with a router that hands off (inline
 * "desk → helper", the header's active agent); register a remote A2A agent
 * (the hub's own card) and remove it; the screens on a narrow screen.
 * Screenshots go to infra/e2e/artifacts/ (gitignored).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '@hub/runtime';
import { CHROMIUM_ARGS, findChromium } from '@hub/dev/browser';
import { delegate, handoff, lastUserMessage, reply, startScriptedLlmServer, teamResponder, toolCall, toolResultsOf, type ScriptedLlmServer } from '@hub/testing/scripted-llm-server';
import { HubStack } from '../src/stack';

const ARTIFACTS = join(repoRoot(), 'infra', 'e2e', 'artifacts');
const WAIT = { timeout: 60_000 };

let llm: ScriptedLlmServer;
let hub: HubStack;
let browser: Browser;
let page: Page;

const team = teamResponder({
  agents: {
    // The supervisor asks its delegate, then answers with what it said.
    boss: [delegate('helper', 'look up the opening hours'), (req) => reply(`Boss summary: ${toolResultsOf(req).map((r) => r.content).join(' ')}`)],
    // The router hands the conversation over.
    desk: [handoff('helper')],
    // A supervisor whose delegate's tool call needs a person's approval (asked of the session).
    editor: [delegate('scribe', 'save the minutes'), (req) => reply(`Editor: ${toolResultsOf(req).map((r) => r.content).join(' ')}`)],
    scribe: [toolCall('save_note', { title: 'minutes', body: 'approved through the parent' }), reply('Saved the minutes.')],
    // Asked as a delegate (its task is its user message) or answering after a handoff.
    helper: (req) =>
      lastUserMessage(req).includes('opening hours') ? reply('The helper found: open 9 to 5.', { chunkDelayMs: 15 }) : reply(`Helper here, taking over: ${lastUserMessage(req)}`),
  },
});

function buildWebApp(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'hub-web-dist-'));
  const webRoot = join(repoRoot(), 'apps', 'web');
  const viteBin = join(dirname(createRequire(join(webRoot, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(process.execPath, [viteBin, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: webRoot, stdio: 'pipe', timeout: 120_000 });
  return outDir;
}

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('Chromium not found: run `npm run provision` (installs Debian chromium as root) or set HUB_CHROMIUM=/path/to/chromium');
  mkdirSync(ARTIFACTS, { recursive: true });
  const webDir = buildWebApp();
  llm = await startScriptedLlmServer({ responder: team.responder, maxRecorded: 200 });
  hub = new HubStack({ llmUrl: llm.url });
  // The hub's own A2A card on loopback stands in for a remote agent's.
  const configFile = join(hub.dataDir, 'hub.config.json');
  writeFileSync(configFile, JSON.stringify({ mcpServers: {}, security: { allowPrivateHosts: ['127.0.0.1'] } }));
  hub.opts.env = { ...hub.opts.env, HUB_WEB_DIR: webDir, HUB_CONFIG: configFile };
  await hub.start();
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await llm?.close();
});

/** Fills the New agent form (fields by their labels) and submits it. */
async function createAgent(fields: Record<string, string>): Promise<void> {
  await page.getByRole('button', { name: 'New agent' }).click();
  const form = page.getByRole('form', { name: 'New agent' });
  for (const [label, value] of Object.entries(fields)) await form.getByLabel(label, { exact: true }).fill(value);
  await form.getByRole('button', { name: 'Create agent' }).click();
}

describe('agents in the web app', () => {
  it('lists the built-in agents read-only', async () => {
    await page.goto(`${hub.gatewayUrl}/#/agents`);
    await page.getByRole('heading', { name: 'All agents' }).waitFor(WAIT);
    const row = page.locator('table.agents tr[data-agent="assistant"]');
    await row.waitFor(WAIT);
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('builtin');
    await page.getByRole('list', { name: 'Agents' }).getByRole('link', { name: /^assistant/ }).click();
    await page.getByRole('heading', { name: 'assistant', exact: true }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Chat with assistant' }).waitFor(WAIT);
    await expect(page.getByRole('button', { name: 'Edit' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Delete' }).count()).resolves.toBe(0);
  });

  it("creates an agent, showing the gateway's message next to a bad field first", async () => {
    await createAgent({ Name: 'helper', Description: 'Finds things out', Instructions: '[agent:helper] You find things out.', Temperature: '7' });
    const temperature = page.locator('.field[data-field="temperature"] .field-error');
    await temperature.waitFor(WAIT);
    await expect(temperature.textContent()).resolves.toMatch(/2/);
    await expect(page.getByLabel('Temperature', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await shot('agents-validation');
    await page.getByLabel('Temperature', { exact: true }).fill('0.3');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.waitForURL(/#\/agents\/helper$/, WAIT);
    await page.getByRole('heading', { name: 'helper', exact: true }).waitFor(WAIT);
    await expect(page.getByTestId('agent-version').textContent()).resolves.toBe('v1');

    // An unknown delegate is refused, named next to the Delegates field.
    await createAgent({ Name: 'boss', Instructions: '[agent:boss] You run the team.', Delegates: 'ghost' });
    await page.locator('.field[data-field="delegates"] .field-error', { hasText: 'ghost' }).waitFor(WAIT);
    await page.getByLabel('Delegates', { exact: true }).fill('helper');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.waitForURL(/#\/agents\/boss$/, WAIT);
    await page.locator('.agent-view > .definition a', { hasText: 'helper' }).waitFor(WAIT);
    await createAgent({ Name: 'desk', Instructions: '[agent:desk] You route.', Handoffs: 'helper' });
    await page.waitForURL(/#\/agents\/desk$/, WAIT);
  });

  it('edits an agent into a new version and shows each version; deleting a delegate still named is refused', async () => {
    await page.getByRole('list', { name: 'Agents' }).getByRole('link', { name: /^helper/ }).click();
    await page.getByRole('heading', { name: 'helper', exact: true }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Description', { exact: true }).fill('Finds things out, politely');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByTestId('agent-version').filter({ hasText: 'v2' }).waitFor(WAIT);
    const versions = page.getByRole('list', { name: 'Versions of helper' });
    await versions.locator('li[data-version="1"]').waitFor(WAIT);
    await versions.locator('li[data-version="2"]').waitFor(WAIT);
    await versions.locator('li[data-version="1"] summary').click();
    await versions.locator('li[data-version="1"] pre.instructions', { hasText: '[agent:helper] You find things out.' }).waitFor(WAIT);
    await shot('agents-versions');

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete helper' }).click();
    await page.getByRole('alert').filter({ hasText: /boss/ }).waitFor(WAIT);
    await expect(page.url()).toMatch(/#\/agents\/helper$/);
  });

  it("chats with a supervisor: the delegate's transcript folds under its ask_ call, not into the reply", async () => {
    await page.getByRole('list', { name: 'Agents' }).getByRole('link', { name: /^boss/ }).click();
    await page.getByRole('button', { name: 'Chat with boss' }).click();
    await page.waitForURL(/#\/chat\/.+/, WAIT);
    await page.getByTestId('active-agent').filter({ hasText: 'boss' }).waitFor(WAIT);
    await page.getByRole('textbox', { name: 'Message' }).fill('When are you open?');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');

    const turn = page.locator('li.turn').first();
    await turn.locator('.msg.assistant > .reply', { hasText: 'Boss summary: The helper found: open 9 to 5.' }).waitFor(WAIT);
    await page.locator('li.turn[data-status="completed"]').first().waitFor(WAIT);
    const child = turn.locator('details.delegation[data-agent="helper"]');
    await child.waitFor({ state: 'attached', ...WAIT });
    await expect(child.getAttribute('data-status')).resolves.toBe('completed');
    await expect(child.getAttribute('data-depth')).resolves.toBe('1');
    // The delegate's streamed words are in its own transcript and nowhere in the reply itself.
    await expect(turn.locator('.msg.assistant > .reply').allTextContents()).resolves.toEqual(['Boss summary: The helper found: open 9 to 5.']);
    await child.locator('summary').click();
    await child.locator('.transcript .reply', { hasText: 'The helper found: open 9 to 5.' }).waitFor(WAIT);
    await child.locator('.task', { hasText: 'look up the opening hours' }).waitFor(WAIT);
    await shot('chat-delegation');
  });

  it('chats with a router: the handoff shows inline and the header names the active agent', async () => {
    await page.goto(`${hub.gatewayUrl}/#/chat`);
    await page.getByLabel('Agent', { exact: true }).selectOption('desk');
    await page.getByRole('button', { name: 'New session' }).click();
    await page.waitForURL(/#\/chat\/.+/, WAIT);
    await page.getByRole('textbox', { name: 'Message' }).fill('I need help');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await page.locator('.handoff[data-from="desk"][data-to="helper"]').waitFor(WAIT);
    await page.locator('.reply', { hasText: 'Helper here, taking over' }).waitFor(WAIT);
    await page.getByTestId('active-agent').filter({ hasText: 'helper' }).waitFor(WAIT);
    await page.getByTestId('handoff-path').filter({ hasText: 'desk → helper' }).waitFor(WAIT);
    await shot('chat-handoff');
  });

  it("shows a delegate's approval on the session and approves it there", async () => {
    for (const body of [
      { name: 'scribe', instructions: '[agent:scribe] You take notes.', tools: ['save_note'] },
      { name: 'editor', instructions: '[agent:editor] You edit.', delegates: ['scribe'] },
    ]) {
      expect((await hub.api('POST', '/v1/agents', body)).status).toBe(201);
    }
    await page.goto(`${hub.gatewayUrl}/#/chat`);
    await page.reload();
    await page.getByLabel('Agent', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'New session' }).click();
    await page.waitForURL(/#\/chat\/.+/, WAIT);
    await page.getByRole('textbox', { name: 'Message' }).fill('Save the minutes, please');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');

    const card = page.getByRole('region', { name: 'Approval for save_note' });
    await card.getByRole('heading', { name: /for scribe/ }).waitFor(WAIT);
    const child = page.locator('details.delegation[data-agent="scribe"]');
    await child.locator('details.tool[data-tool="save_note"] summary', { hasText: 'waiting for approval' }).waitFor(WAIT);
    await shot('chat-delegate-approval');
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.locator('.msg.assistant > .reply', { hasText: 'Editor: Saved the minutes.' }).waitFor(WAIT);
    await card.waitFor({ state: 'detached', ...WAIT });
    await expect(child.getAttribute('data-status')).resolves.toBe('completed');
    await child.locator('summary').first().click();
    await child.locator('details.tool[data-tool="save_note"] summary', { hasText: 'result · approved' }).waitFor(WAIT);
  });

  it('registers a remote A2A agent by its card and removes it', async () => {
    await page.goto(`${hub.gatewayUrl}/#/agents`);
    await page.getByText('Register a remote agent').click();
    const form = page.getByRole('form', { name: 'Register a remote A2A agent' });
    await form.getByLabel('Name', { exact: true }).fill('mirror');
    await form.getByLabel('Agent card URL').fill(`${hub.gatewayUrl}/a2a/assistant/.well-known/agent-card.json`);
    await form.getByLabel(/^Headers/).fill('X-Team: blue');
    await form.getByRole('button', { name: 'Register' }).click();
    const remote = page.locator('li[data-remote="mirror"]');
    await remote.waitFor(WAIT);
    await remote.getByText('ask_mirror').waitFor(WAIT);
    await remote.getByText(/Headers sent: x-team/i).waitFor(WAIT);
    await shot('agents-remote');
    await remote.getByRole('button', { name: 'Remove mirror' }).click();
    await remote.waitFor({ state: 'detached', ...WAIT });
  });

  it('fits a narrow screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [route, ready] of [
      ['agents', 'All agents'],
      ['agents/boss', 'boss'],
    ] as const) {
      await page.goto(`${hub.gatewayUrl}/#/${route}`);
      await page.getByRole('heading', { name: ready, exact: true }).waitFor(WAIT);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
    }
    await shot('narrow-agents');
  });
});
