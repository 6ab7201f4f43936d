import { type KeyboardEvent, useId, useState } from 'react';
import { HoldColorBadge } from '../shared/hold-color-badge.tsx';

const COMMON = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'black', 'white', 'grey'];

interface Props {
  value: string[];
  onChange: (colors: string[]) => void;
}

/** The hold colours the climber's gym uses: common ones to tick, and any other name to add. */
export function HoldColorsField({ value, onChange }: Props) {
  const [custom, setCustom] = useState('');
  const inputId = useId();
  const options = [...COMMON, ...value.filter((c) => !COMMON.includes(c.toLowerCase()))];
  const has = (color: string) => value.some((c) => c.toLowerCase() === color.toLowerCase());
  const toggle = (color: string) =>
    onChange(has(color) ? value.filter((c) => c.toLowerCase() !== color.toLowerCase()) : [...value, color]);
  const add = () => {
    const color = custom.trim();
    if (color && !has(color)) onChange([...value, color]);
    setCustom('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    add();
  };
  return (
    <fieldset className="chips">
      <legend>Hold colours at your gym</legend>
      <p className="hint">Used for badges on your climbs and colour-circuit grades.</p>
      <div className="chip-row">
        {options.map((color) => (
          <label key={color} className="chip">
            <input type="checkbox" checked={has(color)} onChange={() => toggle(color)} />
            <span>
              <HoldColorBadge color={color} />
            </span>
          </label>
        ))}
      </div>
      <div className="inline-add">
        <label htmlFor={inputId} className="visually-hidden">
          Another hold colour
        </label>
        <input
          id={inputId}
          value={custom}
          maxLength={40}
          placeholder="Another colour, e.g. teal"
          onChange={(e) => setCustom(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="button" onClick={add} disabled={!custom.trim()}>
          Add
        </button>
      </div>
    </fieldset>
  );
}
