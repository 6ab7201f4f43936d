import { z } from 'zod';

/** A message content part (`{type: "text", text}`, `{type: "image_url", …}`, …). */
const part = z.looseObject({ type: z.string().optional(), text: z.string().optional() });

/**
 * Any OpenAI-style message: system, developer, user, assistant (with or without `tool_calls`)
 * or tool; content as a string, an array of parts, or null; extra fields kept.
 */
const message = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(part), z.null()]).optional(),
  tool_calls: z.array(z.unknown()).optional(),
  tool_call_id: z.string().optional(),
  name: z.string().optional(),
});

/** The chat completions body the simulator accepts: the fields it reads, every other field kept. */
export const requestSchema = z.looseObject({
  model: z.string(),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  user: z.string().nullish(),
});

export type ChatBody = z.output<typeof requestSchema>;
export type BodyMessage = ChatBody['messages'][number];

/** The text of a message's content, whatever its form. */
export function messageText(m: BodyMessage): string {
  if (typeof m.content === 'string') return m.content;
  const text = (m.content ?? []).map((p) => p.text ?? '').join('\n');
  return m.tool_calls?.length ? `${text}${JSON.stringify(m.tool_calls)}` : text;
}

/** All the text a prompt sends: what the simulator counts as prompt tokens. */
export const promptText = (body: ChatBody): string => body.messages.map(messageText).join('\n');

export function lastUserMessage(body: ChatBody): string {
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  return last ? messageText(last) : '';
}

/** The completion token cap the client asked for, if any. */
export const maxTokensOf = (body: ChatBody): number | undefined =>
  body.max_completion_tokens ?? body.max_tokens ?? undefined;
