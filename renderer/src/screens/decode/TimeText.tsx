import { useTimeFormat } from '../../time/use-time.ts';

/** An instant in the UTC setting's format, with how far it is from now. */
export function TimeText(props: { epochMs: number; now: number }) {
  const time = useTimeFormat();
  return (
    <>
      <time className="mono" dateTime={new Date(props.epochMs).toISOString()}>
        {time.at(props.epochMs)}
      </time>{' '}
      <span className="muted">({time.relative(props.epochMs, props.now)})</span>
    </>
  );
}
