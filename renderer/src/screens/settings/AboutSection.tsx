import { api } from '../../api/api.ts';
import { useVault } from '../../state/vault-store.ts';
import { useTimeFormat } from '../../time/use-time.ts';

/** Memory in the unit Argon2 parameters are usually given in. */
function memory(kib: number): string {
  return kib >= 1024 ? `${(kib / 1024).toLocaleString('en-US')} MiB` : `${kib} KiB`;
}

/** The app's version and the vault's file, cipher and key-derivation parameters. */
export function AboutSection() {
  const status = useVault((state) => state.status);
  const time = useTimeFormat();
  const created =
    status?.createdAt === null || status?.createdAt === undefined ? NaN : Date.parse(status.createdAt);
  return (
    <section className="panel settings-section" aria-labelledby="settings-about-title">
      <div className="settings-section__head">
        <h2 id="settings-about-title">About</h2>
      </div>
      <dl className="settings-facts">
        <div>
          <dt>Keyward</dt>
          <dd data-testid="app-version">version {api().version}</dd>
        </div>
        <div>
          <dt>Vault file</dt>
          <dd className="mono settings-facts__path">{status?.path ?? '—'}</dd>
        </div>
        {status?.vaultId !== null && status?.vaultId !== undefined && (
          <div>
            <dt>Vault id</dt>
            <dd className="mono">{status.vaultId}</dd>
          </div>
        )}
        {Number.isFinite(created) && (
          <div>
            <dt>Created</dt>
            <dd className="mono">{time.at(created)}</dd>
          </div>
        )}
        <div>
          <dt>Cipher</dt>
          <dd>{status?.cipher ?? '—'}</dd>
        </div>
        <div>
          <dt>Key derivation</dt>
          <dd>
            {status?.kdf === null || status?.kdf === undefined
              ? '—'
              : `${status.kdf.algorithm}: ${memory(status.kdf.memoryKiB)} memory, ${status.kdf.iterations} iterations, parallelism ${status.kdf.parallelism}`}
          </dd>
        </div>
        {status?.schemaVersion !== null && status?.schemaVersion !== undefined && (
          <div>
            <dt>Schema version</dt>
            <dd>{status.schemaVersion}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}
