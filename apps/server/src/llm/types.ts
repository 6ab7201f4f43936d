export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** An end-user id, forwarded as OpenRouter's `user` for abuse tracking. */
  user?: string;
  responseFormat?: 'json_object';
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

/** Usage as OpenRouter reported it. A field the upstream did not send is undefined, never 0. */
export interface Usage {
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  totalTokens: number | undefined;
  cachedTokens: number | undefined;
  reasoningTokens: number | undefined;
  /** The amount charged, as an exact decimal string. */
  cost: string | undefined;
}

/** One part of a streamed completion, as a tagged union: errors are parts, not throws. */
export type StreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'served-model'; model: string }
  /** A failure after streaming began: an upstream error chunk, or a stream cut before `[DONE]`. */
  | { type: 'error'; code: string; message: string };

export interface ChatStream {
  generationId: string | undefined;
  parts: AsyncIterable<StreamPart>;
}

export interface Completion {
  generationId: string | undefined;
  servedModel: string | undefined;
  content: string;
  usage: Usage | undefined;
}

/** Stats from `GET /generation`, the source of truth when a stream never delivered usage. */
export interface GenerationStats {
  id: string;
  totalCost: string;
  model: string | undefined;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  reasoningTokens: number | undefined;
  cachedTokens: number | undefined;
  cancelled: boolean;
}

export interface CatalogModel {
  id: string;
  name: string;
  contextLength: number | undefined;
  pricing: Record<string, string>;
}
