import { call } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { toast } from '../../state/toast-store.ts';

/**
 * Exports the whole log (oldest first) as CSV or JSON: main asks where to save, writes a new file
 * (never overwrites) and logs the export. Times follow the UTC setting; there is never key material.
 */
export function ExportLogButtons() {
  const run = async (format: 'csv' | 'json') => {
    try {
      const result = await call('log.export', { format });
      if (result.saved) {
        toast('success', `Exported ${result.entries} log entries as ${format.toUpperCase()}.`);
      }
    } catch (error) {
      toast('error', errorMessage(error));
    }
  };
  return (
    <div className="row" role="group" aria-label="Export the log">
      <button type="button" className="button button--small" onClick={() => void run('csv')}>
        Export CSV…
      </button>
      <button type="button" className="button button--small" onClick={() => void run('json')}>
        Export JSON…
      </button>
    </div>
  );
}
