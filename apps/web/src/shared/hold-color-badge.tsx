/** A dot in the hold's colour (when CSS knows the name) and its name. */
export function HoldColorBadge({ color }: { color: string }) {
  const known = typeof CSS !== 'undefined' && CSS.supports('color', color);
  return (
    <span className="hold-badge">
      <span
        className={known ? 'hold-dot' : 'hold-dot unknown'}
        style={known ? { backgroundColor: color } : undefined}
        aria-hidden="true"
      />
      {color}
    </span>
  );
}
