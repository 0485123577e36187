import { useId } from 'react';
import {
  PAD,
  SPARKLINE_HEIGHT as HEIGHT,
  SPARKLINE_WIDTH as WIDTH,
  sparklineDescription,
  sparklinePoints,
} from './sparkline-geometry.ts';

/**
 * A 30-day usage sparkline: an SVG line of accepted calls per day (oldest left), with its numbers
 * as the text alternative (`role="img"` named by a description screen readers read in full).
 */
export function Sparkline(props: { daily: readonly number[]; label: string }) {
  const descriptionId = useId();
  return (
    <>
      <svg
        className="sparkline"
        width={WIDTH}
        height={HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={props.label}
        aria-describedby={descriptionId}
        data-testid="usage-sparkline"
      >
        <line
          className="sparkline__base"
          x1={PAD}
          x2={WIDTH - PAD}
          y1={HEIGHT - PAD}
          y2={HEIGHT - PAD}
          strokeWidth={1}
        />
        <polyline
          points={sparklinePoints(props.daily)}
          fill="none"
          stroke="currentColor"
          strokeWidth={1.6}
          strokeLinejoin="round"
          strokeLinecap="round"
        />
      </svg>
      <span id={descriptionId} className="visually-hidden" data-testid="usage-sparkline-text">
        {sparklineDescription(props.daily)}
      </span>
    </>
  );
}
