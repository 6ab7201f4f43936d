const KEY = 'crux.recent-locations';
const KEEP = 6;

/** Locations this browser logged climbs at, most recent first. */
export function recentLocations(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((l): l is string => typeof l === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberLocation(location: string): void {
  const trimmed = location.trim();
  if (!trimmed) return;
  const next = [trimmed, ...recentLocations().filter((l) => l !== trimmed)].slice(0, KEEP);
  localStorage.setItem(KEY, JSON.stringify(next));
}
