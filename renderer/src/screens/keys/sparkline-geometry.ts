// The geometry and the words of the 30-day usage sparkline (Sparkline.tsx draws it).

/** The sparkline's box, in CSS pixels. */
export const SPARKLINE_WIDTH = 150;
/** See {@link SPARKLINE_WIDTH}. */
export const SPARKLINE_HEIGHT = 30;
/** The inner margin, so the line's ends are not clipped. */
export const PAD = 2;

/** The points of a line through `values` (oldest first), scaled to the box; all zeros lie on the base. */
export function sparklinePoints(
  values: readonly number[],
  width = SPARKLINE_WIDTH,
  height = SPARKLINE_HEIGHT,
): string {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (width - 2 * PAD) / (values.length - 1) : 0;
  return values
    .map((value, index) => {
      const x = PAD + index * step;
      const y = height - PAD - (value / max) * (height - 2 * PAD);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/** The text alternative: total, busiest day and the last day, then every day's count. */
export function sparklineDescription(daily: readonly number[]): string {
  const total = daily.reduce((sum, value) => sum + value, 0);
  const max = Math.max(0, ...daily);
  const last = daily.at(-1) ?? 0;
  const calls = (count: number) => (count === 1 ? '1 accepted call' : `${count} accepted calls`);
  return (
    `${calls(total)} in the last ${daily.length} days; at most ${max} on one day; ${last} in the last 24 hours. ` +
    `Per day, oldest first: ${daily.join(', ')}.`
  );
}
