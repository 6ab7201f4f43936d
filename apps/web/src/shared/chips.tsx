import type { ReactNode } from 'react';

interface ChipsProps<T extends string> {
  legend: ReactNode;
  name: string;
  options: readonly T[];
  label?: (value: T) => ReactNode;
  hint?: ReactNode;
}

/** One choice among a few, as tappable chips over native radio buttons. */
export function ChoiceChips<T extends string>(
  props: ChipsProps<T> & { value: T | null; onChange: (value: T) => void; required?: boolean },
) {
  const { legend, name, options, label = String, value, onChange, hint, required } = props;
  return (
    <ChipFieldset legend={legend} hint={hint}>
      {options.map((option) => (
        <label key={option} className="chip">
          <input
            type="radio"
            name={name}
            value={option}
            checked={value === option}
            required={required}
            onChange={() => onChange(option)}
          />
          <span>{label(option)}</span>
        </label>
      ))}
    </ChipFieldset>
  );
}

/** Any number of choices, as chips over native checkboxes. */
export function MultiChips<T extends string>(
  props: ChipsProps<T> & { values: readonly T[]; onChange: (values: T[]) => void },
) {
  const { legend, name, options, label = String, values, onChange, hint } = props;
  const toggle = (option: T) =>
    onChange(values.includes(option) ? values.filter((v) => v !== option) : [...values, option]);
  return (
    <ChipFieldset legend={legend} hint={hint}>
      {options.map((option) => (
        <label key={option} className="chip">
          <input
            type="checkbox"
            name={name}
            value={option}
            checked={values.includes(option)}
            onChange={() => toggle(option)}
          />
          <span>{label(option)}</span>
        </label>
      ))}
    </ChipFieldset>
  );
}

/** The frame both kinds of chips share: a fieldset with its legend, an optional hint, and the row. */
function ChipFieldset({
  legend,
  hint,
  children,
}: {
  legend: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <fieldset className="chips">
      <legend>{legend}</legend>
      {hint && <p className="hint">{hint}</p>}
      <div className="chip-row">{children}</div>
    </fieldset>
  );
}
