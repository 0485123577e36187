import { useId } from 'react';
import type { InputHTMLAttributes, ReactNode } from 'react';

/** What a {@link Field} takes: its words, and the input's own attributes (it makes the id). */
export type FieldProps = {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  /** Renders the control yourself (select, textarea…) with the ids this field made. */
  render?: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id'>;

/**
 * A labelled input with its hint and its error, wired for assistive tech: the label is the
 * input's name, the hint and error its description, and `aria-invalid` follows the error.
 */
export function Field(props: FieldProps) {
  const { label, hint, error, render, ...input } = props;
  const id = useId();
  const hintId = useId();
  const errorId = useId();
  const invalid = error !== undefined && error !== null && error !== '';
  const describedBy =
    [hint === undefined ? null : hintId, invalid ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {render === undefined ? (
        <input
          id={id}
          className="input"
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          {...input}
        />
      ) : (
        render({ id, describedBy, invalid })
      )}
      {hint !== undefined && (
        <div id={hintId} className="field__hint">
          {hint}
        </div>
      )}
      {invalid && (
        <div id={errorId} className="field__error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/**
 * A {@link Field} for a whole number from `bounds.min` to `bounds.max`: a number input that asks for
 * the numeric keyboard; labels, hint and error are wired as in every Field.
 */
export function NumberField(
  props: { bounds: { readonly min: number; readonly max: number } } & Omit<
    FieldProps,
    'type' | 'inputMode' | 'min' | 'max' | 'render'
  >,
) {
  const { bounds, ...field } = props;
  return <Field type="number" inputMode="numeric" min={bounds.min} max={bounds.max} {...field} />;
}
