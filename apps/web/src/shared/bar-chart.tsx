import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useId, useRef } from 'react';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

interface Props {
  title: string;
  labels: string[];
  values: number[];
  /** How a value reads in the table and tooltips, e.g. `3 fails` or `$0.0012`. */
  format?: (value: number, index: number) => string;
  horizontal?: boolean;
  color?: string;
  /** Counts get whole-number ticks; amounts (dollars) do not. */
  integers?: boolean;
}

/**
 * A bar chart (Chart.js on a canvas) with the same numbers in a table for screen readers
 * and anyone who prefers text.
 */
export function BarChart({
  title,
  labels,
  values,
  format = String,
  horizontal = false,
  color = '#2f5d50',
  integers = true,
}: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const captionId = useId();
  const precision = integers ? 0 : undefined;

  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: [{ label: title, data: values, backgroundColor: color, borderRadius: 4 }] },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          tooltip: {
            callbacks: { label: (item) => format(item.parsed[horizontal ? 'x' : 'y'] ?? 0, item.dataIndex) },
          },
        },
        scales: { [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision } } },
      },
    });
    return () => chart.destroy();
  }, [labels, values, title, format, horizontal, color, precision]);

  const height = horizontal ? Math.max(120, labels.length * 28 + 40) : 220;
  return (
    <figure className="chart">
      <figcaption id={captionId}>{title}</figcaption>
      <div className="chart-box" style={{ height }}>
        <canvas ref={canvas} role="img" aria-labelledby={captionId} />
      </div>
      <details>
        <summary>Show as a table</summary>
        <table>
          <tbody>
            {labels.map((label, index) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{format(values[index] ?? 0, index)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
