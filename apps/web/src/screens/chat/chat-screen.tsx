/** Chat: the session list beside the selected session's conversation. */
import type { HubClient } from '@hub/gateway/client';
import { ConversationView } from './conversation-view';
import { SessionList, useSessionList } from './session-list';

export function ChatScreen({ client, selected }: { client: HubClient; selected: string | undefined }) {
  const list = useSessionList(client);
  return (
    <div class="split">
      <SessionList list={list} selected={selected} />
      <section class="content" aria-label="Conversation">
        {selected ? (
          <ConversationView key={selected} client={client} sessionId={selected} name={list.names[selected]} onClosed={() => void list.refresh()} />
        ) : (
          <p class="muted">Create a session or pick one to start chatting.</p>
        )}
      </section>
    </div>
  );
}
