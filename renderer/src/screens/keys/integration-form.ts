// The integration form's state and its validation as you type. Field rules come from the same zod
// schemas the engine parses with (shared/domain/integration.ts), and the IP allow list from
// shared/net/cidr.ts, so the form and the engine never disagree about what is valid.
import {
  DEFAULT_PREFIX,
  integrationCreateSchema,
  integrationEditSchema,
} from '../../../../shared/domain/integration.ts';
import type {
  Integration,
  IntegrationCreateInput,
  IntegrationEditInput,
  Platform,
} from '../../../../shared/domain/integration.ts';
import { parseCidr } from '../../../../shared/net/cidr.ts';
import { DEFAULT_ACCEPTED_CREDENTIAL } from '../../../../shared/sync/accepted-credential.ts';
import type { AcceptedCredential } from '../../../../shared/sync/accepted-credential.ts';

/** What the form holds: text as typed (numbers too, so a half-typed value is not lost). */
export interface IntegrationFormState {
  name: string;
  website: string;
  platform: Platform;
  acl: string;
  prefix: string;
  rotationDays: string;
  graceDays: string;
  neverExpire: boolean;
  /** The explicit "I understand" for a key that never expires. */
  neverExpireConfirmed: boolean;
  enabled: boolean;
  notes: string;
  /** Which credential verifiers take (published to the server). */
  accepts: AcceptedCredential;
  /** Whether the server limits this integration's request rate. */
  rateLimitOn: boolean;
  /** Requests per window, as typed. */
  rateRequests: string;
  /** The window in seconds, as typed. */
  rateWindowSeconds: string;
}

/** The bounds of a rate limit (shared/sync/rate-limit.ts). */
export const RATE_LIMIT_BOUNDS = {
  requests: { min: 1, max: 1_000_000 },
  windowSeconds: { min: 1, max: 86_400 },
} as const;

/** What a new limit starts at when turned on: 100 requests a minute. */
const DEFAULT_RATE = { requests: '100', windowSeconds: '60' };

/** The fields that can carry an error. */
export type FormField =
  | 'name'
  | 'website'
  | 'platform'
  | 'ipAcl'
  | 'prefix'
  | 'rotationDays'
  | 'graceDays'
  | 'notes'
  | 'neverExpire'
  | 'rateRequests'
  | 'rateWindowSeconds';

/** Field errors, by field. */
export type FormErrors = Partial<Record<FormField, string>>;

/** One bad line of the IP allow list. */
export interface AclProblem {
  /** 1-based line number in the text area. */
  line: number;
  entry: string;
  message: string;
  /** The network the entry probably meant (host bits set), for a one-click fix. */
  suggestion: string | null;
}

/** The IP allow list, checked line by line: canonical entries, and every bad line. */
export interface AclCheck {
  entries: string[];
  problems: AclProblem[];
}

const LABELS: Record<FormField, string> = {
  name: 'Name',
  website: 'Website',
  platform: 'Platform',
  ipAcl: 'IP allow list',
  prefix: 'Key prefix',
  rotationDays: 'Rotation period',
  graceDays: 'Grace period',
  notes: 'Notes',
  neverExpire: 'Never expire',
  rateRequests: 'Requests',
  rateWindowSeconds: 'Window',
};

/** The empty form of a new integration, with the vault's default rotation and grace. */
export function newFormState(defaults: { rotationDays: number; graceDays: number }): IntegrationFormState {
  return {
    name: '',
    website: '',
    platform: 'server',
    acl: '',
    prefix: DEFAULT_PREFIX,
    rotationDays: String(defaults.rotationDays),
    graceDays: String(defaults.graceDays),
    neverExpire: false,
    neverExpireConfirmed: false,
    enabled: true,
    notes: '',
    accepts: DEFAULT_ACCEPTED_CREDENTIAL,
    rateLimitOn: false,
    rateRequests: DEFAULT_RATE.requests,
    rateWindowSeconds: DEFAULT_RATE.windowSeconds,
  };
}

/** The form of an existing integration. */
export function editFormState(integration: Integration): IntegrationFormState {
  return {
    name: integration.name,
    website: integration.website ?? '',
    platform: integration.platform,
    acl: integration.ipAcl.join('\n'),
    prefix: integration.prefix,
    rotationDays: String(integration.rotationDays),
    graceDays: String(integration.graceDays),
    neverExpire: integration.neverExpire,
    neverExpireConfirmed: integration.neverExpire,
    enabled: integration.enabled,
    notes: integration.notes ?? '',
    accepts: integration.accepts,
    rateLimitOn: integration.rateLimit !== null,
    rateRequests: String(integration.rateLimit?.requests ?? DEFAULT_RATE.requests),
    rateWindowSeconds: String(integration.rateLimit?.windowSeconds ?? DEFAULT_RATE.windowSeconds),
  };
}

/**
 * The rate limit as typed: `null` when off, the limit when both numbers are whole and in bounds,
 * else the errors of the two fields.
 */
export function checkRateLimit(state: IntegrationFormState): {
  value: { requests: number; windowSeconds: number } | null;
  errors: FormErrors;
} {
  if (!state.rateLimitOn) {
    return { value: null, errors: {} };
  }
  const errors: FormErrors = {};
  const requests = wholeOrNaN(state.rateRequests);
  const windowSeconds = wholeOrNaN(state.rateWindowSeconds);
  const { requests: r, windowSeconds: w } = RATE_LIMIT_BOUNDS;
  if (!Number.isInteger(requests) || requests < r.min || requests > r.max) {
    errors.rateRequests = `Requests must be a whole number from ${r.min} to ${r.max.toLocaleString('en-US')}.`;
  }
  if (!Number.isInteger(windowSeconds) || windowSeconds < w.min || windowSeconds > w.max) {
    errors.rateWindowSeconds = `The window must be a whole number of seconds from ${w.min} to ${w.max.toLocaleString('en-US')} (a day).`;
  }
  return Object.keys(errors).length > 0
    ? { value: null, errors }
    : { value: { requests, windowSeconds }, errors };
}

/** Checks every line of the allow list (blank lines are ignored): one entry per line. */
export function checkAcl(text: string): AclCheck {
  const entries: string[] = [];
  const problems: AclProblem[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const entry = raw.trim();
    if (entry === '') {
      return;
    }
    const parsed = parseCidr(entry);
    if (parsed.ok) {
      if (!seen.has(parsed.value.text)) {
        seen.add(parsed.value.text);
        entries.push(parsed.value.text);
      }
      return;
    }
    const suggestion = /did you mean (\S+)\?$/.exec(parsed.error.message)?.[1] ?? null;
    problems.push({ line: index + 1, entry, message: parsed.error.message, suggestion });
  });
  return { entries, problems };
}

/** "rotationDays must be…" → "Rotation period must be…"; a message without the field name gets it in front. */
function friendly(field: FormField, message: string): string {
  if (message.startsWith(`${field} `)) {
    return `${LABELS[field]}${message.slice(field.length)}`;
  }
  return `${LABELS[field]}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

function wholeOrNaN(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

function collect(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  errors: FormErrors,
): void {
  for (const issue of issues) {
    const field = issue.path[0];
    if (typeof field === 'string' && field in LABELS) {
      const key = field as FormField;
      errors[key] ??= friendly(key, issue.message);
    }
  }
}

function aclError(check: AclCheck): string | undefined {
  const count = check.problems.length;
  if (count === 0) {
    return undefined;
  }
  const first = check.problems[0];
  return count === 1 && first !== undefined
    ? `Line ${first.line} is not a valid address or network.`
    : `${count} lines are not valid addresses or networks.`;
}

/**
 * A checked form's field errors: the rate limit's, the schema's (worded with the field labels, the
 * first per field) and the IP allow list's.
 */
function fieldErrors(
  rateErrors: FormErrors,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  acl: AclCheck,
): FormErrors {
  const errors: FormErrors = { ...rateErrors };
  collect(issues, errors);
  const aclMessage = aclError(acl);
  if (aclMessage !== undefined) {
    errors.ipAcl = aclMessage;
  }
  return errors;
}

/** Validates a new integration: the engine's input when valid, and the errors of every field. */
export function validateCreate(state: IntegrationFormState): {
  input: IntegrationCreateInput | null;
  errors: FormErrors;
  acl: AclCheck;
} {
  const acl = checkAcl(state.acl);
  const rate = checkRateLimit(state);
  const candidate = {
    name: state.name,
    website: state.website.trim() === '' ? null : state.website.trim(),
    platform: state.platform,
    ipAcl: acl.entries,
    prefix: state.prefix.trim(),
    rotationDays: wholeOrNaN(state.rotationDays),
    graceDays: wholeOrNaN(state.graceDays),
    neverExpire: state.neverExpire,
    enabled: state.enabled,
    notes: state.notes.trim() === '' ? null : state.notes,
    accepts: state.accepts,
    ...(rate.value === null ? {} : { rateLimit: rate.value }),
  };
  const parsed = integrationCreateSchema.safeParse(candidate);
  const errors = fieldErrors(rate.errors, parsed.success ? [] : parsed.error.issues, acl);
  if (state.neverExpire && !state.neverExpireConfirmed) {
    errors.neverExpire = 'Tick the confirmation to create a key that never expires.';
  }
  const valid = parsed.success && Object.keys(errors).length === 0;
  return { input: valid ? parsed.data : null, errors, acl };
}

/** Validates an edit: only what changed goes in the patch (details and IP allow list, never key material). */
export function validateEdit(
  state: IntegrationFormState,
  original: Integration,
): { patch: IntegrationEditInput | null; errors: FormErrors; acl: AclCheck } {
  const acl = checkAcl(state.acl);
  const website = state.website.trim() === '' ? null : state.website.trim();
  const notes = state.notes.trim() === '' ? null : state.notes;
  const rotationDays = wholeOrNaN(state.rotationDays);
  const graceDays = wholeOrNaN(state.graceDays);
  const patch: Record<string, unknown> = {};
  if (state.name !== original.name) {
    patch['name'] = state.name;
  }
  if (website !== original.website) {
    patch['website'] = website;
  }
  if (state.platform !== original.platform) {
    patch['platform'] = state.platform;
  }
  if (acl.entries.join('\n') !== original.ipAcl.join('\n')) {
    patch['ipAcl'] = acl.entries;
  }
  if (rotationDays !== original.rotationDays) {
    patch['rotationDays'] = rotationDays;
  }
  if (graceDays !== original.graceDays) {
    patch['graceDays'] = graceDays;
  }
  if (notes !== original.notes) {
    patch['notes'] = notes;
  }
  if (state.accepts !== original.accepts) {
    patch['accepts'] = state.accepts;
  }
  const rate = checkRateLimit(state);
  const sameRate =
    rate.value === null || original.rateLimit === null
      ? rate.value === original.rateLimit
      : rate.value.requests === original.rateLimit.requests &&
        rate.value.windowSeconds === original.rateLimit.windowSeconds;
  if (Object.keys(rate.errors).length === 0 && !sameRate) {
    patch['rateLimit'] = rate.value;
  }
  const parsed = integrationEditSchema.safeParse(patch);
  const errors = fieldErrors(rate.errors, parsed.success ? [] : parsed.error.issues, acl);
  const valid = parsed.success && Object.keys(errors).length === 0;
  return { patch: valid ? parsed.data : null, errors, acl };
}
