import type { ReactNode } from 'react';

/** A region that is loading (announced politely). */
export function Loading(props: { label?: string }) {
  return (
    <div className="state state--loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {props.label ?? 'Loading…'}
    </div>
  );
}

/** Nothing to show yet, and what to do about it. */
export function Empty(props: { title: string; children?: ReactNode }) {
  return (
    <div className="state state--empty">
      <p className="state__title">{props.title}</p>
      {props.children}
    </div>
  );
}

/** Something failed; says what and offers a retry. */
export function ErrorState(props: { message: string; onRetry?: () => void }) {
  return (
    <div className="state state--error" role="alert">
      <p className="state__title">{props.message}</p>
      {props.onRetry !== undefined && (
        <button type="button" className="button" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** What went wrong with a form or an action, in place and announced; nothing while `message` is null. */
export function FormError(props: { message: string | null }) {
  if (props.message === null) {
    return null;
  }
  return (
    <p className="form-error" role="alert">
      {props.message}
    </p>
  );
}
