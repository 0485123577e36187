import { call } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { toast } from '../../state/toast-store.ts';

/** The public keys gateways verify Secrets with: exported as a JWKS file (never a private key). */
export function SecretsSection() {
  const exportJwks = async () => {
    try {
      const result = await call('jwks.export', {});
      if (result.saved) {
        toast(
          'success',
          `Exported the JWKS (${result.keys === 1 ? '1 public key' : `${result.keys} public keys`}).`,
        );
      }
    } catch (error) {
      toast('error', errorMessage(error));
    }
  };
  return (
    <section className="panel settings-section" aria-labelledby="settings-secrets-title">
      <div className="settings-section__head">
        <h2 id="settings-secrets-title">Secret verification</h2>
        <button type="button" className="button button--small" onClick={() => void exportJwks()}>
          Export JWKS…
        </button>
      </div>
      <p className="settings-row__hint">
        Gateways check a Secret&apos;s signature with this vault&apos;s public keys. Give them the JWKS file
        (public keys only; retired keys stay in it until their last Secret has expired).
      </p>
    </section>
  );
}
