import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { crux } from '../api/crux.ts';
import { PageTitle } from '../app/page-title.tsx';
import { ErrorText } from '../shared/error-text.tsx';
import { formatResetTime } from '../shared/format.ts';
import { keys, useLimits } from '../shared/queries.ts';
import { LiveReply, MarkdownText } from './reply.tsx';
import { useChat } from './use-chat.ts';

export default function ChatPage() {
  const client = useQueryClient();
  const history = useQuery({ queryKey: keys.messages, queryFn: () => crux.chat.messages({ limit: 50 }) });
  const limits = useLimits();
  const chat = useChat();
  const [draft, setDraft] = useState('');
  const clear = useMutation({
    mutationFn: () => crux.chat.clear(),
    onSuccess: () => {
      chat.reset();
      client.setQueryData(keys.messages, { messages: [] });
    },
  });
  const chatLimit = limits.data?.chat;
  const left = chatLimit ? Math.max(0, chatLimit.limit - chatLimit.used) : undefined;

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const message = draft.trim();
    if (!message || chat.streaming) return;
    setDraft('');
    void chat.send(message).then(() => client.invalidateQueries({ queryKey: keys.limits }));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey) submit(event);
  };
  const empty = !history.data?.messages.length && !chat.turns.length;

  return (
    <section className="chat">
      <PageTitle title="Chat with the coach">
        {!empty && (
          <button type="button" className="small" onClick={() => clear.mutate()} disabled={chat.streaming}>
            Clear history
          </button>
        )}
      </PageTitle>
      <ErrorText error={history.error ?? clear.error} />
      {empty && history.isSuccess && (
        <p className="muted">
          Ask about a project, a drill or a fear. The coach knows your logbook's patterns.
        </p>
      )}
      <ol className="messages" aria-label="Conversation">
        {history.data?.messages.map((message) => (
          <li key={message.id} className={`message ${message.role}`}>
            <span className="visually-hidden">{message.role === 'user' ? 'You: ' : 'Coach: '}</span>
            {message.role === 'user' ? <p>{message.content}</p> : <MarkdownText text={message.content} />}
          </li>
        ))}
        {chat.turns.map((turn) => (
          <TurnItems key={turn.id} turn={turn} resetsAt={chatLimit?.resets_at} />
        ))}
      </ol>
      <p role="status" className="visually-hidden">
        {chat.streaming ? 'The coach is replying.' : ''}
      </p>
      <form className="composer card" onSubmit={submit}>
        <label className="field">
          <span>Your question</span>
          <textarea
            rows={3}
            maxLength={5000}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            placeholder="How do I stop slipping off slab footholds?"
          />
        </label>
        <div className="actions">
          {chat.streaming ? (
            <button type="button" className="danger" onClick={chat.stop}>
              Stop
            </button>
          ) : (
            <button type="submit" className="primary" disabled={!draft.trim()}>
              Send
            </button>
          )}
          {chatLimit && (
            <span className="small muted" data-testid="chat-left">
              {left} of {chatLimit.limit} messages left today
              {left === 0 && `; resets ${formatResetTime(chatLimit.resets_at)}`}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

function TurnItems({
  turn,
  resetsAt,
}: {
  turn: ReturnType<typeof useChat>['turns'][number];
  resetsAt?: string;
}) {
  return (
    <>
      <li className="message user">
        <span className="visually-hidden">You: </span>
        <p>{turn.question}</p>
      </li>
      <LiveReply turn={turn} resetsAt={resetsAt} />
    </>
  );
}
