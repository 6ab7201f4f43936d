import type { ChatMessage } from '../llm/types.ts';
import type { StoredMessage } from './messages-repo.ts';

export const CHAT_HISTORY_SIZE = 20;

const COACH_PERSONA = `You are Crux, an experienced climbing coach. You help one climber improve from the climbs they log.
Favour technique over raw strength: a failure blamed on strength is usually a technique gap first.
Be concrete: name drills, sets, rests and what to watch for. Keep answers short unless asked for detail.
If a question is about injury or pain, recommend seeing a physiotherapist before giving training advice.`;

export interface ChatPromptInput {
  /** The conversation so far, oldest first, ending with the new question. */
  history: Array<Pick<StoredMessage, 'role' | 'content'>>;
  /** The climber's own words about themselves, like custom instructions (already anonymised). */
  climbingContext: string;
  /** A short summary of the climber's patterns, when there is one. */
  patternsSummary?: string;
}

/** The coach system prompt with the climber's context and patterns. */
export function chatSystemMessage(input: Omit<ChatPromptInput, 'history'>): ChatMessage {
  const sections = [COACH_PERSONA];
  if (input.climbingContext.trim())
    sections.push(`About this climber, in their own words:\n${input.climbingContext.trim()}`);
  if (input.patternsSummary) sections.push(`What their logbook shows:\n${input.patternsSummary}`);
  return { role: 'system', content: sections.join('\n\n') };
}

/** The coach system prompt, the climber's context and patterns, then the recent conversation. */
export function buildChatPrompt(input: ChatPromptInput, system = chatSystemMessage(input)): ChatMessage[] {
  return [
    system,
    ...input.history.slice(-CHAT_HISTORY_SIZE).map((m) => ({ role: m.role, content: m.content })),
  ];
}
