/** The shell: navigation between the screens (hash routes), the API key field. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { hubClient, storeApiKey, storedApiKey } from './api';
import { AgentsScreen } from './screens/agents/agents-screen';
import { ChatScreen } from './screens/chat/chat-screen';
import { ResearchScreen } from './screens/research/research-screen';
import { ToolsScreen } from './screens/tools/tools-screen';
import { TasksScreen } from './screens/tasks/tasks-screen';
import { UsageScreen } from './screens/usage/usage-screen';

const SCREENS = [
  { id: 'chat', label: 'Chat' },
  { id: 'agents', label: 'Agents' },
  { id: 'research', label: 'Research' },
  { id: 'tools', label: 'Tools' },
  { id: 'tasks', label: 'Tasks' },
  { id: 'usage', label: 'Usage' },
] as const;
type ScreenId = (typeof SCREENS)[number]['id'];

/** `#/<screen>/<id>` → screen and the selected item. */
function parseHash(hash: string): { screen: ScreenId; item: string | undefined } {
  const [screen, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const known = SCREENS.find((s) => s.id === screen);
  return { screen: known?.id ?? 'chat', item: rest.length ? decodeURIComponent(rest.join('/')) || undefined : undefined };
}


export function App() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  const [apiKey, setApiKey] = useState(storedApiKey);
  const [keyDraft, setKeyDraft] = useState(apiKey);
  const client = useMemo(() => hubClient(apiKey), [apiKey]);

  useEffect(() => {
    const onHash = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const saveKey = (e: Event) => {
    e.preventDefault();
    storeApiKey(keyDraft.trim());
    setApiKey(keyDraft.trim());
  };

  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <h1 class="brand">Agent Hub</h1>
        <nav aria-label="Screens">
          <ul class="tabs">
            {SCREENS.map((s) => (
              <li key={s.id}>
                <a href={`#/${s.id}`} aria-current={route.screen === s.id ? 'page' : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <form class="apikey" onSubmit={saveKey}>
          <label for="api-key">API key</label>
          <input
            id="api-key"
            type="password"
            autocomplete="off"
            placeholder="only if the gateway has HUB_API_KEYS"
            value={keyDraft}
            onInput={(e) => setKeyDraft(e.currentTarget.value)}
          />
          <button type="submit">{apiKey ? 'Update' : 'Save'}</button>
        </form>
      </header>
      <main id="main" tabIndex={-1}>
        {route.screen === 'chat' && <ChatScreen client={client} selected={route.item} />}
        {route.screen === 'agents' && <AgentsScreen client={client} selected={route.item} />}
        {route.screen === 'research' && <ResearchScreen client={client} selected={route.item} />}
        {route.screen === 'tools' && <ToolsScreen client={client} />}
        {route.screen === 'tasks' && <TasksScreen client={client} selected={route.item} />}
        {route.screen === 'usage' && <UsageScreen client={client} />}
      </main>
    </div>
  );
}
