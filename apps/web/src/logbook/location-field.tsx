import { useId } from 'react';
import { recentLocations } from './recent-locations.ts';

/** The location, with the recent ones one tap away. */
export function LocationField({ value, onChange }: { value: string; onChange: (location: string) => void }) {
  const id = useId();
  const recent = recentLocations().filter((l) => l !== value);
  return (
    <div className="field">
      <label htmlFor={id}>Location</label>
      <input
        id={id}
        required
        maxLength={200}
        value={value}
        autoComplete="off"
        placeholder="Gym or crag"
        onChange={(e) => onChange(e.target.value)}
      />
      {recent.length > 0 && (
        <ul className="recent" aria-label="Recent locations">
          {recent.map((location) => (
            <li key={location}>
              <button type="button" className="small" onClick={() => onChange(location)}>
                {location}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
