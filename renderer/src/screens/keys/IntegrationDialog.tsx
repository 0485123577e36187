import { useRef, useState } from 'react';
import type { ChangeEvent, FormEvent } from 'react';
import { INTEGRATION_LIMITS, PLATFORMS } from '../../../../shared/domain/integration.ts';
import type { Integration, Platform } from '../../../../shared/domain/integration.ts';
import type { Output } from '../../../../shared/ipc/contract.ts';
import { call, callUnlessCancelled } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { useSettings } from '../../state/settings-store.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { Field, NumberField } from '../../ui/Field.tsx';
import { useStableCallback } from '../../ui/use-stable-callback.ts';
import { CidrListField } from './CidrListField.tsx';
import { editFormState, newFormState, validateCreate, validateEdit } from './integration-form.ts';
import type { FormErrors, FormField, IntegrationFormState } from './integration-form.ts';
import { days, PLATFORM_LABELS } from './key-format.ts';
import { NeverExpireWarning } from './NeverExpireWarning.tsx';
import { AccessFields } from './AccessFields.tsx';
import { FormError } from '../../ui/States.tsx';

/** What creating an integration answers: it and its first key (masked). */
export type CreatedIntegration = Output<'integrations.create'>;

/**
 * Create or edit an integration: every field of docs/domain-rules.md, checked as you type with the engine's
 * own schemas (errors appear once a field was changed, and all of them on submit). Creating one
 * whose key never expires needs the warning's confirmation and a re-authentication. Editing changes
 * details and the IP allow list only: the prefix is fixed, never-expire and API access have their
 * own confirmed actions.
 */
export function IntegrationDialog(
  props:
    | { mode: 'create'; onClose: () => void; onCreated: (created: CreatedIntegration) => void }
    | { mode: 'edit'; integration: Integration; onClose: () => void; onSaved: (saved: Integration) => void },
) {
  const settings = useSettings((state) => state.settings);
  const [form, setForm] = useState<IntegrationFormState>(() =>
    props.mode === 'edit'
      ? editFormState(props.integration)
      : newFormState({ rotationDays: settings.defaultRotationDays, graceDays: settings.defaultGraceDays }),
  );
  const [touched, setTouched] = useState<ReadonlySet<FormField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const onClose = useStableCallback(props.onClose);

  const checked = props.mode === 'edit' ? validateEdit(form, props.integration) : validateCreate(form);
  const shown = (field: FormField): string | null =>
    serverErrors[field] ?? (submitted || touched.has(field) ? (checked.errors[field] ?? null) : null);

  const update = <K extends keyof IntegrationFormState>(
    key: K,
    value: IntegrationFormState[K],
    field?: FormField,
  ) => {
    setForm((current) => ({ ...current, [key]: value }));
    if (field === undefined) {
      return;
    }
    setTouched((current) => (current.has(field) ? current : new Set(current).add(field)));
    setServerErrors((current) => {
      if (current[field] === undefined) {
        return current;
      }
      const next = { ...current };
      delete next[field];
      return next;
    });
  };

  /** A text field's value, its error once due, and its update (the form key is the field's name). */
  const bound = (field: 'name' | 'website' | 'prefix' | 'rotationDays' | 'graceDays') => ({
    value: form[field],
    error: shown(field),
    onChange: (event: ChangeEvent<HTMLInputElement>) => update(field, event.target.value, field),
  });

  const focusFirstInvalid = () => {
    window.requestAnimationFrame(() => {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    });
  };

  const fail = (caught: unknown) => {
    const message = errorMessage(caught);
    if (/already exists/i.test(message)) {
      setServerErrors({ name: message });
      focusFirstInvalid();
    } else {
      setFormError(message);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    setSubmitted(true);
    setFormError(null);
    if (props.mode === 'create') {
      const { input } = validateCreate(form);
      if (input === null) {
        focusFirstInvalid();
        return;
      }
      setBusy(true);
      try {
        const created = form.neverExpire
          ? await callUnlessCancelled(
              'integrations.create',
              { integration: input, confirmNeverExpire: true },
              { purpose: `Create ${input.name} with a key that never expires` },
            )
          : await call('integrations.create', { integration: input });
        if (created !== null) {
          props.onCreated(created);
        }
      } catch (caught) {
        fail(caught);
      } finally {
        setBusy(false);
      }
      return;
    }
    const { patch } = validateEdit(form, props.integration);
    if (patch === null) {
      focusFirstInvalid();
      return;
    }
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    try {
      props.onSaved(await call('integrations.edit', { integrationId: props.integration.id, patch }));
    } catch (caught) {
      fail(caught);
    } finally {
      setBusy(false);
    }
  };

  const creating = props.mode === 'create';
  return (
    <Dialog
      title={creating ? 'New integration' : `Edit ${props.integration.name}`}
      description={
        creating
          ? 'An integration is one system that calls your API. It gets its first key as soon as you create it.'
          : 'Changes details, the IP allow list, the accepted credential and the rate limit; the keys stay as they are.'
      }
      onClose={onClose}
      wide
    >
      <form
        ref={formRef}
        className="stack integration-form"
        onSubmit={(event) => void submit(event)}
        noValidate
      >
        <div className="form-grid form-grid--wide-narrow">
          <Field
            label="Name"
            autoComplete="off"
            maxLength={INTEGRATION_LIMITS.nameMax + 20}
            {...bound('name')}
          />
          <Field
            label="Platform"
            error={shown('platform')}
            render={({ id, describedBy, invalid }) => (
              <select
                id={id}
                className="select"
                value={form.platform}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onChange={(event) => update('platform', event.target.value as Platform, 'platform')}
              >
                {PLATFORMS.map((platform) => (
                  <option key={platform} value={platform}>
                    {PLATFORM_LABELS[platform]}
                  </option>
                ))}
              </select>
            )}
          />
        </div>
        <div className="form-grid form-grid--wide-narrow">
          <Field
            label="Website"
            type="url"
            autoComplete="off"
            placeholder="https://example.com"
            {...bound('website')}
          />
          {creating ? (
            <Field
              label="Key prefix"
              className="input mono"
              autoComplete="off"
              spellCheck={false}
              maxLength={8}
              hint="2–8 of a–z, 0–9, ending in _; fixed."
              {...bound('prefix')}
            />
          ) : (
            <div className="field">
              <span className="field__label">Key prefix</span>
              <span className="readonly-value mono">{form.prefix}</span>
              <span className="field__hint">Fixed per integration.</span>
            </div>
          )}
        </div>
        <div className="form-grid form-grid--2">
          <NumberField
            label="Rotation period (days)"
            bounds={INTEGRATION_LIMITS.rotationDays}
            hint={
              creating && form.neverExpire
                ? 'Not used while the key never expires.'
                : `${INTEGRATION_LIMITS.rotationDays.min}–${INTEGRATION_LIMITS.rotationDays.max}. A new key every ${days(Number(form.rotationDays) || 0)}.`
            }
            {...bound('rotationDays')}
          />
          <NumberField
            label="Grace period (days)"
            bounds={INTEGRATION_LIMITS.graceDays}
            hint={`${INTEGRATION_LIMITS.graceDays.min}–${INTEGRATION_LIMITS.graceDays.max}. How long a replaced key keeps working.`}
            {...bound('graceDays')}
          />
        </div>
        <CidrListField
          value={form.acl}
          check={checked.acl}
          showProblems={submitted || touched.has('ipAcl')}
          onChange={(value) => update('acl', value, 'ipAcl')}
        />
        <AccessFields
          accepts={form.accepts}
          rateLimitOn={form.rateLimitOn}
          rateRequests={form.rateRequests}
          rateWindowSeconds={form.rateWindowSeconds}
          requestsError={shown('rateRequests')}
          windowError={shown('rateWindowSeconds')}
          onAccepts={(value) => update('accepts', value)}
          onRateLimitOn={(value) => update('rateLimitOn', value)}
          onRequests={(value) => update('rateRequests', value, 'rateRequests')}
          onWindow={(value) => update('rateWindowSeconds', value, 'rateWindowSeconds')}
        />
        <Field
          label="Notes"
          error={shown('notes')}
          render={({ id, describedBy, invalid }) => (
            <textarea
              id={id}
              className="textarea integration-form__notes"
              rows={2}
              value={form.notes}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              onChange={(event) => update('notes', event.target.value, 'notes')}
            />
          )}
          hint={`Optional; up to ${INTEGRATION_LIMITS.notesMax} characters. Never put a key here.`}
        />
        {creating ? (
          <div className="stack stack--tight">
            <label className="check">
              <input
                type="checkbox"
                checked={form.enabled}
                onChange={(event) => update('enabled', event.target.checked)}
              />
              <span>
                API access enabled
                <span className="check__hint">Off: none of its keys verify until you turn it on.</span>
              </span>
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={form.neverExpire}
                onChange={(event) => {
                  const on = event.target.checked;
                  setForm((current) => ({ ...current, neverExpire: on, neverExpireConfirmed: false }));
                }}
              />
              <span>
                Key never expires
                <span className="check__hint">Not recommended: no rotation, valid until revoked.</span>
              </span>
            </label>
            {form.neverExpire && (
              <NeverExpireWarning
                confirmed={form.neverExpireConfirmed}
                onConfirmedChange={(confirmed) =>
                  setForm((current) => ({ ...current, neverExpireConfirmed: confirmed }))
                }
                error={submitted ? checked.errors.neverExpire : null}
              />
            )}
          </div>
        ) : (
          <p className="muted small">
            API access and never-expire have their own confirmed actions in the details panel.
          </p>
        )}
        <FormError message={formError} />
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
            {busy ? (creating ? 'Creating…' : 'Saving…') : creating ? 'Create integration' : 'Save changes'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
