import type { Profile, Vocabulary } from '@crux/contracts';
import { useQuery } from '@tanstack/react-query';
import { crux } from '../api/crux.ts';

export const keys = {
  profile: ['profile'] as const,
  vocabulary: ['vocabulary'] as const,
  climbs: ['climbs'] as const,
  patterns: ['patterns'] as const,
  latestRecommendation: ['recommendation', 'latest'] as const,
  limits: ['usage', 'limits'] as const,
  usage: ['usage'] as const,
  messages: ['chat', 'messages'] as const,
};

const VOCABULARY_KEY = 'crux.vocabulary';

/** The last vocabulary seen, so the logbook form works when the app starts offline. */
function cachedVocabulary(): Vocabulary | undefined {
  try {
    const raw = localStorage.getItem(VOCABULARY_KEY);
    return raw ? (JSON.parse(raw) as Vocabulary) : undefined;
  } catch {
    return undefined;
  }
}

export function useVocabulary() {
  return useQuery({
    queryKey: keys.vocabulary,
    queryFn: async () => {
      const vocabulary = await crux.vocabulary();
      localStorage.setItem(VOCABULARY_KEY, JSON.stringify(vocabulary));
      return vocabulary;
    },
    initialData: cachedVocabulary,
    initialDataUpdatedAt: 0,
    staleTime: 3_600_000,
  });
}

export function useProfile() {
  return useQuery<Profile>({ queryKey: keys.profile, queryFn: () => crux.profile.get() });
}

/**
 * Spend and limits are read again whenever a page shows them (the cached figures stay on screen
 * meanwhile, and offline): a turn settles after its stream ends, sometimes seconds later from
 * OpenRouter's generation stats, so figures cached by an earlier page would lag the ledger.
 */
export const FRESH = { staleTime: 0 } as const;

export function useLimits() {
  return useQuery({ queryKey: keys.limits, queryFn: () => crux.usage.limits(), ...FRESH });
}
