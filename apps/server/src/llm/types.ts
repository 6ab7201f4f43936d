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

/** Why a completion ended, as OpenRouter normalises it (`stop`, `length`, `content_filter`, `error`, `cancelled`, …). */
export type FinishReason = string;

/** One part of a streamed completion, as a tagged union: errors are parts, not throws. */
export type StreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'served-model'; model: string }
  /** The generation id, as soon as a chunk names it (every chunk carries it). */
  | { type: 'generation'; id: string }
  | { type: 'finish'; reason: FinishReason }
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
  finishReason: FinishReason | undefined;
}

/** Stats from `GET /generation`, the source of truth when a stream never delivered usage. */
export interface GenerationStats {
  id: string;
  /** Exact decimal text. */
  totalCost: string;
  model: string | undefined;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  reasoningTokens: number | undefined;
  cachedTokens: number | undefined;
  cancelled: boolean;
  finishReason: FinishReason | undefined;
}

export interface CatalogModel {
  id: string;
  name: string;
  contextLength: number | undefined;
  /** USD per unit as decimal strings; only the string (or numeric) prices the catalog carried. */
  pricing: Record<string, string>;
  /** The top provider's cap on completion tokens, when the catalog says. */
  maxCompletionTokens: number | undefined;
}
