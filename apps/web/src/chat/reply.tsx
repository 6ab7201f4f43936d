import Markdown from 'react-markdown';
import { ErrorText } from '../shared/error-text.tsx';
import { formatUsd } from '../shared/format.ts';
import type { LiveTurn } from './use-chat.ts';

/** Markdown as the coach wrote it; raw HTML in a reply is never rendered. */
export function MarkdownText({ text }: { text: string }) {
  return (
    <div className="markdown">
      <Markdown skipHtml>{text}</Markdown>
    </div>
  );
}

/** A reply of this visit: streaming text, then its cost, or why it stopped. */
export function LiveReply({ turn, resetsAt }: { turn: LiveTurn; resetsAt?: string | undefined }) {
  const { usage } = turn;
  return (
    <li className="message assistant" aria-busy={turn.status === 'streaming'}>
      <span className="visually-hidden">Coach: </span>
      {turn.reply ? (
        <MarkdownText text={turn.reply} />
      ) : (
        turn.status === 'streaming' && <p className="muted">…</p>
      )}
      {turn.status === 'stopped' && (
        <p className="small muted">Stopped. What the model wrote so far is still billed (see Usage).</p>
      )}
      {turn.status === 'failed' && <ErrorText error={turn.error} resetsAt={resetsAt} />}
      {usage && (
        <p className="small muted cost" data-testid="reply-cost">
          Cost {formatUsd(usage.cost_usd)} · {usage.total_tokens ?? '?'} tokens · {usage.model}
          {usage.finish_reason === 'length' && ' · cut short (length limit)'}
        </p>
      )}
    </li>
  );
}
