import type { ClimbPatchInput, ClimbType, Outcome } from '@crux/contracts';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { crux } from '../api/crux.ts';
import { keys } from '../shared/queries.ts';

export interface ClimbFilters {
  outcome?: Outcome | undefined;
  climb_type?: ClimbType | undefined;
}

const PAGE = 20;

/** The logbook, newest first, a page at a time. */
export function useClimbs(filters: ClimbFilters) {
  return useInfiniteQuery({
    queryKey: [...keys.climbs, filters],
    queryFn: ({ pageParam }) => crux.climbs.list({ limit: PAGE, before: pageParam, ...filters }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_before,
  });
}

/** After any change to the logbook, the list and the patterns are read again. */
function useRefresh() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: keys.climbs });
    void client.invalidateQueries({ queryKey: keys.patterns });
  };
}

export function useUpdateClimb() {
  const onSuccess = useRefresh();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: ClimbPatchInput }) => crux.climbs.update(id, patch),
    onSuccess,
  });
}

export function useDeleteClimb() {
  const onSuccess = useRefresh();
  return useMutation({ mutationFn: (id: string) => crux.climbs.delete(id), onSuccess });
}

export function useRefreshLogbook() {
  return useRefresh();
}
