// Settings → Server's connect form, checked as you type with the same address rule the engine
// applies (shared/sync/server-url.ts): https anywhere, plain http on this computer only.
import { checkServerUrl } from '../../../../shared/sync/server-url.ts';

/** The connect form as typed. */
export interface ServerFormState {
  url: string;
  code: string;
  deviceName: string;
}

/** The connect form's fields that can carry an error. */
export type ServerFormField = keyof ServerFormState;

/** What the server's `init` prints: 20 letters and digits in groups of five (dashes and spaces optional). */
const CODE_PATTERN = /^[A-Z0-9]{20}$/;

/** The longest device name the server keeps. */
export const DEVICE_NAME_MAX = 100;

/** Checks the form: the `server.connect` input when valid, and each field's error. */
export function validateServerForm(state: ServerFormState): {
  input: { url: string; code: string; deviceName?: string } | null;
  errors: Partial<Record<ServerFormField, string>>;
} {
  const errors: Partial<Record<ServerFormField, string>> = {};
  const url = checkServerUrl(state.url);
  if (!url.ok) {
    errors.url = url.message;
  }
  const code = state.code.trim();
  const normalised = code.toUpperCase().replace(/[\s-]/g, '');
  if (code === '') {
    errors.code = 'Enter the enrolment code the server printed (keyward-server init).';
  } else if (!CODE_PATTERN.test(normalised)) {
    errors.code = 'An enrolment code is 20 letters and digits, e.g. ABCDE-FGHJK-MNPQR-STVWX.';
  }
  const deviceName = state.deviceName.trim();
  if (deviceName.length > DEVICE_NAME_MAX) {
    errors.deviceName = `At most ${DEVICE_NAME_MAX} characters.`;
  }
  if (!url.ok || Object.keys(errors).length > 0) {
    return { input: null, errors };
  }
  return { input: { url: url.url, code, ...(deviceName === '' ? {} : { deviceName }) }, errors };
}
