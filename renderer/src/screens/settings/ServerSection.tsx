import { useEffect, useState } from 'react';
import type { ChangeEvent, FormEvent } from 'react';
import type { Output } from '../../../../shared/ipc/contract.ts';
import type { SyncStatus } from '../../../../shared/sync/sync-status.ts';
import { call, callUnlessCancelled } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { syncStatusText } from '../../shell/sync-status-text.ts';
import { useSync } from '../../state/sync-store.ts';
import { toast } from '../../state/toast-store.ts';
import { useNow, useTimeFormat } from '../../time/use-time.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Field } from '../../ui/Field.tsx';
import { DEVICE_NAME_MAX, validateServerForm } from './server-form.ts';
import type { ServerFormField, ServerFormState } from './server-form.ts';
import { FormError } from '../../ui/States.tsx';

type ChosenCertificate = Extract<Output<'server.chooseCertificate'>, { chosen: true }>;

/** The host of a server URL, for sentences ("Connected to keys.example.com"). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The connect form: address, enrolment code, device name, and an optional pinned certificate. */
function ConnectForm(props: { onConnected: (status: SyncStatus) => void }) {
  const [form, setForm] = useState<ServerFormState>({ url: '', code: '', deviceName: '' });
  const [touched, setTouched] = useState<ReadonlySet<ServerFormField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [certificate, setCertificate] = useState<ChosenCertificate | null>(null);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const checked = validateServerForm(form);
  const shown = (field: ServerFormField) =>
    submitted || touched.has(field) ? (checked.errors[field] ?? null) : null;
  const plainHttp = /^\s*http:/i.test(form.url);

  const update = (field: ServerFormField, value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    setTouched((current) => (current.has(field) ? current : new Set(current).add(field)));
    setFormError(null);
  };

  /** A text field's value, its error once due, and its update. */
  const bound = (field: ServerFormField) => ({
    value: form[field],
    error: shown(field),
    onChange: (event: ChangeEvent<HTMLInputElement>) => update(field, event.target.value),
  });

  const chooseCertificate = async () => {
    try {
      const chosen = await call('server.chooseCertificate', {});
      if (chosen.chosen) {
        setCertificate(chosen);
      }
    } catch (caught) {
      setFormError(errorMessage(caught));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    setSubmitted(true);
    setFormError(null);
    const { input } = checked;
    if (input === null) {
      window.requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('.server-connect [aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setBusy(true);
    try {
      const status = await callUnlessCancelled(
        'server.connect',
        {
          ...input,
          ...(certificate !== null && !plainHttp ? { pinnedCertSha256: certificate.sha256 } : {}),
        },
        { purpose: `Connect this vault to ${hostOf(input.url)}` },
      );
      if (status !== null) {
        props.onConnected(status);
      }
    } catch (caught) {
      setFormError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack server-connect" onSubmit={(event) => void submit(event)} noValidate>
      <div className="form-grid form-grid--2">
        <Field
          label="Server address"
          type="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://keys.example.com"
          hint="https://, or http:// on this computer only (localhost)."
          {...bound('url')}
        />
        <Field
          label="Enrolment code"
          className="input mono"
          autoComplete="off"
          spellCheck={false}
          placeholder="ABCDE-FGHJK-MNPQR-STVWX"
          hint="Printed once by keyward-server init; single use."
          {...bound('code')}
        />
      </div>
      <div className="form-grid form-grid--2">
        <Field
          label="Device name (optional)"
          autoComplete="off"
          maxLength={DEVICE_NAME_MAX + 20}
          placeholder="This computer's name"
          hint="How the server lists this device (keyward-server devices list)."
          {...bound('deviceName')}
        />
        <div className="field">
          <span className="field__label">Server certificate</span>
          {certificate === null ? (
            <span className="readonly-value">Trusted by the system&apos;s certificate authorities</span>
          ) : (
            <span className="readonly-value server-cert" data-testid="pinned-certificate">
              Pinned: <span className="mono">SHA-256 {certificate.sha256}</span>
              <span className="muted small">
                {' '}
                · {certificate.subject} · valid until {certificate.validTo}
              </span>
            </span>
          )}
          <span className="server-connect__cert-actions">
            <button type="button" className="button button--small" onClick={() => void chooseCertificate()}>
              {certificate === null ? 'Pin a certificate…' : 'Choose another…'}
            </button>
            {certificate !== null && (
              <button type="button" className="button button--small" onClick={() => setCertificate(null)}>
                Use the system&apos;s CAs
              </button>
            )}
          </span>
          <span className="field__hint">
            {plainHttp
              ? 'Not used over http:// on this computer.'
              : 'For a server with a self-signed certificate: only that exact certificate is trusted.'}
          </span>
        </div>
      </div>
      <FormError message={formError} />
      <div>
        <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
          {busy ? 'Connecting…' : 'Connect'}
        </button>
      </div>
    </form>
  );
}

/** What the connected view lists: server, device, revision and last publish. */
function ConnectedFacts(props: { status: SyncStatus }) {
  const { status } = props;
  const server = status.server;
  const time = useTimeFormat();
  const now = useNow(15_000);
  if (server === null) {
    return null;
  }
  return (
    <dl className="facts server-facts" data-testid="server-facts">
      <dt>Server</dt>
      <dd className="mono">{server.url}</dd>
      <dt>Certificate</dt>
      <dd>
        {server.pinnedCertSha256 === null ? (
          "System's certificate authorities"
        ) : (
          <span className="mono">Pinned SHA-256 {server.pinnedCertSha256}</span>
        )}
      </dd>
      <dt>This device</dt>
      <dd>
        {server.deviceName} <span className="muted mono small">({server.deviceId})</span>
      </dd>
      <dt>Connected</dt>
      <dd className="mono">{time.at(server.connectedAt)}</dd>
      <dt>Revision</dt>
      <dd className="mono">{server.revision ?? 'none yet'}</dd>
      <dt>Last publish</dt>
      <dd>
        {server.lastPublishAt === null ? (
          'not yet'
        ) : (
          <>
            {time.relative(server.lastPublishAt, now)} ·{' '}
            <span className="mono">{time.at(server.lastPublishAt)}</span>
          </>
        )}
      </dd>
      <dt>Status</dt>
      <dd>{syncStatusText(status)}</dd>
    </dl>
  );
}

/**
 * Settings → Server (issue 11): connect the vault to a Keyward server with its address and a
 * one-time enrolment code (re-authentication; the address checked as you type), or — once
 * connected — the server, this device, the revision and last publish, "Publish now" and
 * "Disconnect…". The status is the live one of the top bar (`sync.status`).
 */
export function ServerSection() {
  const status = useSync((state) => state.status);
  const setStatus = useSync((state) => state.set);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [publishing, setPublishing] = useState(false);

  useEffect(() => {
    useSync
      .getState()
      .refresh()
      .then(
        () => setLoadError(null),
        (caught: unknown) => setLoadError(errorMessage(caught)),
      );
  }, []);

  const publish = async () => {
    if (publishing) {
      return;
    }
    setPublishing(true);
    try {
      const next = await call('server.publish', {});
      setStatus(next);
      toast(
        next.state === 'up-to-date' ? 'success' : 'error',
        next.state === 'up-to-date'
          ? 'Published: the server is up to date.'
          : `Not published: ${syncStatusText(next) ?? 'not connected'}.`,
      );
    } catch (caught) {
      toast('error', errorMessage(caught));
    } finally {
      setPublishing(false);
    }
  };

  const connected = status !== null && status.state !== 'not-connected' && status.server !== null;
  return (
    <section
      className="panel settings-section"
      aria-labelledby="settings-server-title"
      data-testid="server-section"
    >
      <div className="settings-section__head">
        <h2 id="settings-server-title">Server</h2>
        {connected && (
          <>
            <button
              type="button"
              className="button button--small"
              aria-disabled={publishing || undefined}
              onClick={() => void publish()}
            >
              {publishing ? 'Publishing…' : 'Publish now'}
            </button>
            <button
              type="button"
              className="button button--small button--danger"
              onClick={() => setConfirming(true)}
            >
              Disconnect…
            </button>
          </>
        )}
      </div>
      <p className="settings-row__hint">
        A Keyward server lets API gateways check keys with this computer off: every change is published to it
        (key facts and public keys only, never a key), and usage comes back to the key details.
      </p>
      <FormError message={loadError} />
      {status !== null && !connected && (
        <ConnectForm
          onConnected={(next) => {
            setStatus(next);
            toast(
              'success',
              `Connected to ${hostOf(next.server?.url ?? '')}${next.state === 'up-to-date' ? ': every key is published.' : '.'}`,
            );
          }}
        />
      )}
      {connected && <ConnectedFacts status={status} />}
      {confirming && status?.server && (
        <ConfirmDialog
          title={`Disconnect from ${hostOf(status.server.url)}`}
          description="This vault stops publishing to the server, which is asked to revoke this device. Gateways keep verifying the keys the server already has until you publish them elsewhere; changes made from now on do not reach it. Connecting again needs a new enrolment code."
          confirmLabel="Disconnect"
          busyLabel="Disconnecting…"
          tone="danger"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            const next = await call('server.disconnect', { confirmed: true });
            setStatus(next);
            setConfirming(false);
            toast('success', 'Disconnected: this vault no longer publishes to a server.');
          }}
        />
      )}
    </section>
  );
}
