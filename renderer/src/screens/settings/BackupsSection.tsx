import { useCallback, useEffect, useState } from 'react';
import type { Output } from '../../../../shared/ipc/contract.ts';
import { call } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { toast } from '../../state/toast-store.ts';
import { useTimeFormat } from '../../time/use-time.ts';
import { Empty, ErrorState, Loading } from '../../ui/States.tsx';
import { RestoreBackupDialog } from './RestoreBackupDialog.tsx';

type Backup = Output<'backup.list'>[number];
type Listed =
  { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; backups: Backup[] };

/** Bytes as people read them: `812 KiB`, `3.4 MiB`. */
function size(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${Math.round(bytes / 1024)} KiB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Encrypted backups: the daily ones (kept 14 days) and "Back up now". */
export function BackupsSection() {
  const [listed, setListed] = useState<Listed>({ state: 'loading' });
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [restoring, setRestoring] = useState<Backup | null>(null);
  const time = useTimeFormat();

  const load = useCallback(
    () =>
      call('backup.list', {}).then(
        (backups) =>
          setListed({ state: 'ready', backups: [...backups].sort((a, b) => b.createdAt - a.createdAt) }),
        (error: unknown) => setListed({ state: 'failed', message: errorMessage(error) }),
      ),
    [],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const backUp = async () => {
    setBusy(true);
    setStatus('Backing up…');
    try {
      const made = await call('backup.now', {});
      setStatus(`Backed up: ${made.name}`);
      toast('success', 'Backup made');
      await load();
    } catch (error) {
      setStatus('');
      toast('error', errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const exportVault = async () => {
    try {
      const result = await call('vault.export', {});
      if (result.saved) {
        setStatus('Vault exported');
        toast('success', `Exported the whole vault, encrypted (${size(result.bytes)}).`);
      }
    } catch (error) {
      toast('error', errorMessage(error));
    }
  };

  return (
    <section className="panel settings-section" aria-labelledby="settings-backups-title">
      <div className="settings-section__head">
        <h2 id="settings-backups-title">Backups</h2>
        <div className="row">
          <button type="button" className="button button--small" onClick={() => void exportVault()}>
            Export the vault…
          </button>
          <button
            type="button"
            className="button button--small"
            disabled={busy}
            onClick={() => void backUp()}
          >
            {busy ? 'Backing up…' : 'Back up now'}
          </button>
        </div>
      </div>
      <p className="settings-row__hint">
        Encrypted copies of the vault, made daily and kept 14 days. Each opens only itself, with the master
        password it was made with — never today’s vault once the password has changed. An export is one
        encrypted file of the whole vault, to move it to another computer (<code>keyward import</code>).
      </p>
      <p className="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
      {listed.state === 'loading' && <Loading label="Loading backups…" />}
      {listed.state === 'failed' && <ErrorState message={listed.message} onRetry={() => void load()} />}
      {listed.state === 'ready' && listed.backups.length === 0 && (
        <Empty title="No backups yet">
          <p>The first daily backup is made soon after unlocking; or make one now.</p>
        </Empty>
      )}
      {listed.state === 'ready' && listed.backups.length > 0 && (
        <table className="settings-table" data-testid="backups">
          <caption className="visually-hidden">Backups, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Made</th>
              <th scope="col" className="settings-table__num">
                Size
              </th>
              <th scope="col">
                <span className="visually-hidden">Restore</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {listed.backups.map((backup) => (
              <tr key={backup.name}>
                <td className="mono">{backup.name}</td>
                <td>
                  <time className="mono" dateTime={new Date(backup.createdAt).toISOString()}>
                    {time.at(backup.createdAt)}
                  </time>
                </td>
                <td className="settings-table__num">{size(backup.bytes)}</td>
                <td>
                  <button
                    type="button"
                    className="button button--small"
                    aria-label={`Restore the backup of ${time.at(backup.createdAt)}`}
                    onClick={() => setRestoring(backup)}
                  >
                    Restore…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {restoring !== null && (
        <RestoreBackupDialog
          name={restoring.name}
          made={time.at(restoring.createdAt)}
          onClose={() => setRestoring(null)}
        />
      )}
    </section>
  );
}
