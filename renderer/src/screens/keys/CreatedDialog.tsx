import { useState } from 'react';
import { errorMessage } from '../../api/ipc-error.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { StatusChip } from '../../ui/StatusChip.tsx';
import { useStableCallback } from '../../ui/use-stable-callback.ts';
import { useNow, useTimeFormat } from '../../time/use-time.ts';
import type { CreatedIntegration } from './IntegrationDialog.tsx';
import { copyKey, copySecret } from './key-actions.ts';
import { FormError } from '../../ui/States.tsx';

/**
 * After creating an integration: its first key (masked) and the two ways to hand it over — the
 * Secret (what most systems should be given) or the raw key. Both copies go through main, which
 * clears the clipboard after the configured time; the top bar counts down.
 */
export function CreatedDialog(props: { created: CreatedIntegration; onClose: () => void }) {
  const { integration, key } = props.created;
  const time = useTimeFormat();
  const now = useNow(1000);
  const [copied, setCopied] = useState<'key' | 'secret' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onClose = useStableCallback(props.onClose);

  const run = async (what: 'key' | 'secret') => {
    setError(null);
    try {
      const done =
        what === 'key'
          ? await copyKey(key.id, integration.name)
          : await copySecret(integration.id, integration.name);
      if (done) {
        setCopied(what);
      }
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  return (
    <Dialog
      title={`${integration.name} is ready`}
      description="Its first key was issued. Hand it to the system that calls your API: copy the Secret (a signed, short-lived token that carries the key) or the key itself."
      onClose={onClose}
    >
      <div className="stack">
        <div className="created-key">
          <span className="mono created-key__masked">{key.masked}</span>
          <StatusChip status={key.status} />
          <span className="muted small">
            {key.expiresAt === null ? (
              'Never expires'
            ) : (
              <>
                Expires {time.relative(key.expiresAt, now)} ({time.at(key.expiresAt)})
              </>
            )}
          </span>
        </div>
        <div className="row">
          <button type="button" className="button button--primary" onClick={() => void run('secret')}>
            Copy Secret
          </button>
          <button type="button" className="button" onClick={() => void run('key')}>
            Copy key
          </button>
        </div>
        <p className="muted small" aria-live="polite">
          {copied === null
            ? 'Copying asks you to confirm it is you. The clipboard is cleared after a while.'
            : `${copied === 'key' ? 'Key' : 'Secret'} copied: the top bar counts down until the clipboard is cleared.`}
        </p>
        <FormError message={error} />
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
