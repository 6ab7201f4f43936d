import { type ReactNode, useId } from 'react';

interface Props<T extends string> {
  label: string;
  value: T | '';
  options: readonly T[];
  onChange: (value: T | '') => void;
  /** The first, empty option ("All", "Choose…"); left out when absent. */
  empty?: string;
  optionLabel?: (value: T) => ReactNode;
  required?: boolean;
}

/** A labelled select (the label names it alone, whatever option is chosen). */
export function SelectField<T extends string>(props: Props<T>) {
  const { label, value, options, onChange, empty, optionLabel = String, required } = props;
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} required={required} onChange={(e) => onChange(e.target.value as T | '')}>
        {empty !== undefined && <option value="">{empty}</option>}
        {options.map((option) => (
          <option key={option} value={option}>
            {optionLabel(option)}
          </option>
        ))}
      </select>
    </div>
  );
}
