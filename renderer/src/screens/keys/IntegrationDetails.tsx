import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { ApiKeyView } from '../../../../shared/domain/api-key.ts';
import type { Integration } from '../../../../shared/domain/integration.ts';
import type { Channel, InputArg } from '../../../../shared/ipc/contract.ts';
import { call, callUnlessCancelled } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { isConnected, useSync } from '../../state/sync-store.ts';
import { toast } from '../../state/toast-store.ts';
import { useNow, useTimeFormat } from '../../time/use-time.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { ErrorState, Loading } from '../../ui/States.tsx';
import { IntegrationDialog } from './IntegrationDialog.tsx';
import { IntegrationFacts } from './IntegrationFacts.tsx';
import { copySecret } from './key-actions.ts';
import { days, PLATFORM_LABELS } from './key-format.ts';
import { KeyListItem } from './KeyListItem.tsx';
import { NEVER_EXPIRE_ACK, NEVER_EXPIRE_RISK } from './NeverExpireWarning.tsx';
import { RevokeDialog } from './RevokeDialog.tsx';
import { UsagePanel } from './UsagePanel.tsx';
import { useIntegrationDetails } from './use-integration-details.ts';

const DAY_MS = 86_400_000;

type DetailsDialog =
  | { kind: 'edit' | 'rotate' | 'revoke' | 'regenerate' | 'disable' | 'never-on' | 'never-off' | 'delete' }
  | { kind: 'delete-key' | 'end-grace'; key: ApiKeyView };

/**
 * The side panel of one integration: its fields, all its keys, and every action on them — copy the
 * Secret, rotate, revoke, regenerate, reveal/copy/test/delete a key, end a key's grace, edit, API access, never-expire
 * and delete; with a server connected, the usage from its request log (UsagePanel). Guarded actions ask for re-authentication through `call` (api.ts, in one place); after each change the
 * table and this panel reload (`onChanged`), and a toast says what happened (never key material).
 */
export function IntegrationDetails(props: {
  integrationId: string;
  /** The key the table's active row shows (highlighted in the list). */
  selectedKeyId: string | null;
  reloadToken: number;
  /** Take focus once loaded (opened from the keyboard); `onFocused` says it was done. */
  focusPending: boolean;
  onFocused: () => void;
  onClose: () => void;
  onChanged: (message: string) => void;
  /** The table's rows changed without anything to announce (a key test updates "Last used"). */
  onTableStale: () => void;
  onDeleted: (name: string) => void;
}) {
  const { data, error, retry } = useIntegrationDetails(props.integrationId, props.reloadToken);
  const [dialog, setDialog] = useState<DetailsDialog | null>(null);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  const time = useTimeFormat();
  const now = useNow(1000);
  const connected = useSync((state) => isConnected(state.status));
  const closeDialog = useCallback(() => setDialog(null), []);
  const { onChanged, focusPending, onFocused } = props;
  // Moving through the table switches integrations: the previous one stays shown (inert, dimmed)
  // until the next has loaded, instead of flashing a loading state on every arrow key.
  const stale = data !== null && data.integration.id !== props.integrationId;
  const loaded = data !== null && !stale;

  useEffect(() => {
    if (focusPending && loaded) {
      headingRef.current?.focus();
      onFocused();
    }
  }, [focusPending, loaded, onFocused]);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === 'Escape' && !event.defaultPrevented && !(event.target as Element).closest('dialog')) {
      event.preventDefault();
      props.onClose();
    }
  };

  const close = (
    <button
      type="button"
      className="icon-button details__close"
      aria-label="Close details"
      aria-keyshortcuts="Escape"
      onClick={props.onClose}
    >
      ×
    </button>
  );

  if (data === null || (stale && error !== null)) {
    return (
      <aside className="details" aria-label="Integration details" onKeyDown={onKeyDown}>
        <div className="details__header">
          <span className="details__spacer" />
          {close}
        </div>
        {error === null ? (
          <Loading label="Loading the integration…" />
        ) : (
          <ErrorState message={error} onRetry={retry} />
        )}
      </aside>
    );
  }

  const { integration, keys } = data;
  const name = integration.name;
  const active = keys.find((key) => key.status === 'active') ?? null;

  // Buttons stay focusable while busy (aria-disabled): the re-auth dialog gives focus back to them.
  const act = async (work: () => Promise<void>) => {
    if (busy) {
      return;
    }
    setBusy(true);
    try {
      await work();
    } catch (caught) {
      toast('error', errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const setEnabled = (enabled: boolean) =>
    call('integrations.setEnabled', { integrationId: integration.id, enabled }).then((updated: Integration) =>
      onChanged(
        updated.enabled
          ? `API access of ${name} is on: its keys verify again.`
          : `API access of ${name} is off: none of its keys verify.`,
      ),
    );

  /**
   * The confirm step of an action that may ask for re-authentication: runs `channel`; unless the
   * user cancelled there (the dialog then stays for another try), closes the dialog and does `then`.
   */
  const unlessCancelled = async <C extends Channel>(
    channel: C,
    input: InputArg<C>,
    purpose: string,
    then: () => void,
  ) => {
    if ((await callUnlessCancelled(channel, input, { purpose })) !== null) {
      setDialog(null);
      then();
    }
  };

  // For an action whose button goes with it (a deleted key, an ended grace): focus the panel's
  // heading once the dialog has closed (the dialog hands focus back first).
  const focusHeadingSoon = () => window.requestAnimationFrame(() => headingRef.current?.focus());

  const graceSentence = (graceDays: number) =>
    graceDays === 0
      ? 'The previous key stopped working at once.'
      : `The previous key keeps working for ${days(graceDays)}, until ${time.at(Date.now() + graceDays * DAY_MS)}.`;

  return (
    <aside
      className={stale ? 'details details--stale' : 'details'}
      aria-labelledby={titleId}
      aria-busy={stale || undefined}
      inert={stale || undefined}
      onKeyDown={onKeyDown}
    >
      <div className="details__header">
        <div className="details__title">
          <h2 id={titleId} ref={headingRef} tabIndex={-1}>
            {name}
          </h2>
          <div className="details__tags">
            <span className="tag">{PLATFORM_LABELS[integration.platform]}</span>
            {integration.enabled ? (
              <span className="tag tag--on">API access on</span>
            ) : (
              <span className="tag tag--off">API access off</span>
            )}
            {integration.neverExpire && <span className="tag tag--warn">Never expires</span>}
          </div>
        </div>
        {close}
      </div>
      {error !== null && (
        <p className="form-error details__stale" role="alert">
          Could not refresh: {error}{' '}
          <button type="button" className="button button--small" onClick={retry}>
            Try again
          </button>
        </p>
      )}

      <div className="details__actions">
        <button
          type="button"
          className="button button--primary button--small"
          disabled={active === null}
          aria-disabled={busy || undefined}
          onClick={() => void act(async () => void (await copySecret(integration.id, name)))}
        >
          Copy Secret
        </button>
        <button type="button" className="button button--small" onClick={() => setDialog({ kind: 'rotate' })}>
          Rotate now…
        </button>
        <button type="button" className="button button--small" onClick={() => setDialog({ kind: 'revoke' })}>
          Revoke…
        </button>
        <button
          type="button"
          className="button button--small"
          onClick={() => setDialog({ kind: 'regenerate' })}
        >
          Regenerate…
        </button>
      </div>

      <section className="details__section" aria-labelledby={`${titleId}-keys`}>
        <h3 id={`${titleId}-keys`}>
          Keys <span className="muted">({keys.length})</span>
        </h3>
        <ul className="key-list">
          {keys.map((key) => (
            <KeyListItem
              key={key.id}
              apiKey={key}
              integrationName={name}
              selected={key.id === props.selectedKeyId}
              now={now}
              onTested={() => {
                // A key that verifies counts as used: the panel and the table's "Last used" both show it.
                retry();
                props.onTableStale();
              }}
              onDelete={(target) => setDialog({ kind: 'delete-key', key: target })}
              onEndGrace={(target) => setDialog({ kind: 'end-grace', key: target })}
            />
          ))}
        </ul>
      </section>

      {connected && (
        <UsagePanel
          integrationId={integration.id}
          keys={keys}
          reloadToken={props.reloadToken}
          onEndGrace={(target) => setDialog({ kind: 'end-grace', key: target })}
          onLastUsedChanged={() => {
            retry();
            props.onTableStale();
          }}
        />
      )}

      <section className="details__section" aria-labelledby={`${titleId}-facts`}>
        <div className="details__section-head">
          <h3 id={`${titleId}-facts`}>Integration</h3>
          <button type="button" className="button button--small" onClick={() => setDialog({ kind: 'edit' })}>
            Edit…
          </button>
        </div>
        <IntegrationFacts integration={integration} />
        <div className="details__manage">
          {integration.enabled ? (
            <button
              type="button"
              className="button button--small"
              onClick={() => setDialog({ kind: 'disable' })}
            >
              Disable API access…
            </button>
          ) : (
            <button
              type="button"
              className="button button--small"
              aria-disabled={busy || undefined}
              onClick={() => void act(() => setEnabled(true))}
            >
              Enable API access
            </button>
          )}
          <button
            type="button"
            className="button button--small"
            onClick={() => setDialog({ kind: integration.neverExpire ? 'never-off' : 'never-on' })}
          >
            {integration.neverExpire ? 'Let the key expire again…' : 'Never expire…'}
          </button>
          <button
            type="button"
            className="button button--small button--danger"
            onClick={() => setDialog({ kind: 'delete' })}
          >
            Delete integration…
          </button>
        </div>
      </section>

      {dialog?.kind === 'edit' && (
        <IntegrationDialog
          mode="edit"
          integration={integration}
          onClose={closeDialog}
          onSaved={(saved) => {
            setDialog(null);
            onChanged(`Saved ${saved.name}.`);
          }}
        />
      )}
      {dialog?.kind === 'rotate' && (
        <ConfirmDialog
          title={`Rotate the key of ${name} now`}
          description={
            integration.graceDays === 0
              ? 'A new key becomes active now. This integration has no grace period: the current key stops working at once.'
              : `A new key becomes active now. The current key keeps working for ${days(integration.graceDays)} (the integration's grace), so systems can switch without downtime.`
          }
          confirmLabel="Rotate now"
          busyLabel="Rotating…"
          onClose={closeDialog}
          onConfirm={async () => {
            await call('keys.rotate', { integrationId: integration.id });
            setDialog(null);
            onChanged(`Rotated the key of ${name}. ${graceSentence(integration.graceDays)}`);
          }}
        />
      )}
      {dialog?.kind === 'revoke' && (
        <RevokeDialog
          integration={integration}
          activeKey={active}
          onClose={closeDialog}
          onRevoked={(_created, graceDays) => {
            setDialog(null);
            onChanged(`Revoked the key of ${name}; a new key is active. ${graceSentence(graceDays)}`);
          }}
        />
      )}
      {dialog?.kind === 'regenerate' && (
        <ConfirmDialog
          title={`Regenerate the key of ${name}`}
          description="A new key replaces the current one, which stops working at once (a revoke with no grace). Every system using it is refused until it gets the new key."
          confirmLabel="Regenerate"
          busyLabel="Regenerating…"
          tone="danger"
          onClose={closeDialog}
          onConfirm={() =>
            unlessCancelled(
              'keys.regenerate',
              { integrationId: integration.id },
              `Regenerate the key of ${name}`,
              () => onChanged(`Regenerated the key of ${name}: the previous key stopped at once.`),
            )
          }
        />
      )}
      {dialog?.kind === 'end-grace' && (
        <ConfirmDialog
          title={`End the grace period of key ${dialog.key.masked}`}
          description={`This previous key of ${name} is still accepted until its grace period ends. Ending it now revokes it at once: every system still using it is refused from now on. Do this when you believe the key leaked. The active key is not affected.`}
          confirmLabel="End grace now"
          busyLabel="Ending…"
          tone="danger"
          onClose={closeDialog}
          onConfirm={() =>
            unlessCancelled(
              'keys.endGrace',
              { keyId: dialog.key.id },
              `End the grace period of a key of ${name}`,
              () => {
                onChanged(
                  `Ended the grace period of a key of ${name}: it is revoked and no longer accepted.`,
                );
                focusHeadingSoon();
              },
            )
          }
        />
      )}
      {dialog?.kind === 'delete-key' && (
        <ConfirmDialog
          title={`Delete key ${dialog.key.masked}`}
          description={`This ${dialog.key.status} key of ${name} no longer works; deleting it removes it from the vault for good. The activity log keeps the record.`}
          confirmLabel="Delete key"
          busyLabel="Deleting…"
          tone="danger"
          onClose={closeDialog}
          onConfirm={() =>
            unlessCancelled('keys.delete', { keyId: dialog.key.id }, `Delete a key of ${name}`, () => {
              onChanged(`Deleted a ${dialog.key.status} key of ${name}.`);
              focusHeadingSoon();
            })
          }
        />
      )}
      {dialog?.kind === 'disable' && (
        <ConfirmDialog
          title={`Disable API access of ${name}`}
          description="None of its keys verify while API access is off; the keys are kept, and turning it on again makes them work as before."
          confirmLabel="Disable API access"
          busyLabel="Disabling…"
          tone="danger"
          onClose={closeDialog}
          onConfirm={async () => {
            await setEnabled(false);
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'never-on' && (
        <ConfirmDialog
          title={`Make the key of ${name} never expire`}
          description="The active key loses its expiry and is no longer rotated automatically."
          confirmLabel="Never expire"
          busyLabel="Saving…"
          tone="danger"
          acknowledge={NEVER_EXPIRE_ACK}
          onClose={closeDialog}
          onConfirm={() =>
            unlessCancelled(
              'integrations.setNeverExpire',
              { integrationId: integration.id, neverExpire: true, confirmed: true },
              `Make the key of ${name} never expire`,
              () => onChanged(`The key of ${name} now never expires.`),
            )
          }
        >
          <div className="warning-box">
            <p>{NEVER_EXPIRE_RISK}</p>
          </div>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'never-off' && (
        <ConfirmDialog
          title={`Let the key of ${name} expire again`}
          description={`The active key gets an expiry again: ${days(integration.rotationDays)} after it was created, but no sooner than 30 days from now, so nothing rotates by surprise.`}
          confirmLabel="Set an expiry"
          busyLabel="Saving…"
          onClose={closeDialog}
          onConfirm={async () => {
            await call('integrations.setNeverExpire', {
              integrationId: integration.id,
              neverExpire: false,
              confirmed: false,
            });
            setDialog(null);
            onChanged(`The key of ${name} expires again on its rotation schedule.`);
          }}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${name}`}
          description={`Deleting the integration ends all its ${keys.length === 1 ? 'key' : `${keys.length} keys`} at once: every system using them is refused from now on. This cannot be undone.`}
          confirmLabel="Delete integration"
          busyLabel="Deleting…"
          tone="danger"
          acknowledge={`I understand: ${name} and all its keys are deleted now.`}
          onClose={closeDialog}
          onConfirm={() =>
            unlessCancelled(
              'integrations.delete',
              { integrationId: integration.id, confirmed: true },
              `Delete ${name}`,
              () => props.onDeleted(name),
            )
          }
        />
      )}
    </aside>
  );
}
