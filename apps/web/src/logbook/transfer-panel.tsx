import type { ImportReport } from '@crux/contracts';
import { type ChangeEvent, useState } from 'react';
import { crux } from '../api/crux.ts';
import { downloadText } from '../shared/download.ts';
import { ErrorText } from '../shared/error-text.tsx';
import { useRefreshLogbook } from './use-climbs.ts';

/** Export the logbook as CSV or JSON; import a CSV back, with a row-by-row report. */
export function TransferPanel() {
  const refresh = useRefreshLogbook();
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);

  const exportAs = async (format: 'csv' | 'json') => {
    setError(null);
    try {
      const content = await crux.climbs.export(format);
      downloadText(`crux-logbook.${format}`, content, format === 'csv' ? 'text/csv' : 'application/json');
    } catch (caught) {
      setError(caught);
    }
  };

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await crux.climbs.importCsv(await file.text()));
      refresh();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="card transfer">
      <summary>Export or import</summary>
      <div className="actions">
        <button type="button" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => void exportAs('json')}>
          Export JSON
        </button>
      </div>
      <label className="field">
        <span>Import a CSV (same columns as the export)</span>
        <input type="file" accept=".csv,text/csv" onChange={(e) => void importFile(e)} disabled={busy} />
      </label>
      <ErrorText error={error} />
      {report && (
        <div role="status" className="import-report">
          <p>
            Imported {report.imported} climb{report.imported === 1 ? '' : 's'}
            {report.refused.length > 0 &&
              `; refused ${report.refused.length} row${report.refused.length === 1 ? '' : 's'}:`}
          </p>
          {report.refused.length > 0 && (
            <ul>
              {report.refused.map((row) => (
                <li key={row.row}>
                  Row {row.row}: {row.errors.join('; ')}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </details>
  );
}
