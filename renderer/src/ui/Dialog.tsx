import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';
import { useStableCallback } from './use-stable-callback.ts';

/**
 * A modal dialog on the native `<dialog>` element: focus moves in and is trapped by the browser,
 * Escape cancels, the page behind is inert, and focus returns to where it was on close.
 */
export function Dialog(props: {
  title: string;
  /** A sentence under the title (also the dialog's accessible description). */
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  /** `alert` for confirmations of destructive actions. */
  role?: 'dialog' | 'alertdialog';
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  // Held stable: a caller's new `onClose` each render must not close and re-open the dialog.
  const onClose = useStableCallback(props.onClose);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) {
      return;
    }
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) {
      dialog.showModal();
    }
    const cancel = (event: Event) => {
      event.preventDefault();
      onClose();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) {
        dialog.close();
      }
      previous?.focus();
    };
  }, [onClose]);
  return (
    <dialog
      ref={ref}
      className={props.wide ? 'dialog dialog--wide' : 'dialog'}
      role={props.role ?? 'dialog'}
      aria-labelledby={titleId}
      aria-describedby={props.description === undefined ? undefined : descriptionId}
    >
      <h2 id={titleId} className="dialog__title">
        {props.title}
      </h2>
      {props.description !== undefined && (
        <div id={descriptionId} className="dialog__description">
          {props.description}
        </div>
      )}
      {props.children}
    </dialog>
  );
}
