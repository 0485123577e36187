import { useEffect } from 'react';
import { useNow } from '../../time/use-time.ts';

/**
 * A revealed key: the material in a monospace box with a visible "hides in N s". It lives only in
 * the state of the component that asked for it (never a store), and is dropped when `hideAt`
 * passes, on "Hide", and on unmount — which includes locking, as the whole shell unmounts then.
 */
export function RevealedKey(props: { material: string; hideAt: number; label: string; onHide: () => void }) {
  const { hideAt, onHide } = props;
  const now = useNow(250);
  useEffect(() => {
    const timer = window.setTimeout(onHide, Math.max(0, hideAt - Date.now()));
    return () => window.clearTimeout(timer);
  }, [hideAt, onHide]);
  const seconds = Math.max(0, Math.ceil((hideAt - now) / 1000));
  return (
    <div className="revealed" role="group" aria-label={props.label}>
      <code className="revealed__value" data-testid="revealed-key">
        {props.material}
      </code>
      <div className="revealed__bar">
        <span className="revealed__timer" data-testid="reveal-countdown">
          Hides in {seconds} s
        </span>
        <button type="button" className="button button--small" onClick={onHide}>
          Hide now
        </button>
      </div>
    </div>
  );
}
