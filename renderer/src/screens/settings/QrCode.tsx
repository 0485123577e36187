/** Light modules around the code, as the QR specification asks (4). */
const QUIET_ZONE = 4;

/** One path for all dark modules: each horizontal run of dark modules is one rectangle. */
function modulesPath(size: number, modules: string): string {
  const parts: string[] = [];
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (modules[y * size + x] !== '1') {
        x++;
        continue;
      }
      const start = x;
      while (x < size && modules[y * size + x] === '1') {
        x++;
      }
      parts.push(`M${start + QUIET_ZONE} ${y + QUIET_ZONE}h${x - start}v1h-${x - start}z`);
    }
  }
  return parts.join('');
}

/**
 * A QR code drawn from its modules (`size`² characters, '1' = dark) as one SVG path — no markup
 * strings, no image data. Always dark on light, whatever the theme, so cameras read it.
 */
export function QrCode(props: { size: number; modules: string; label: string }) {
  const extent = props.size + QUIET_ZONE * 2;
  return (
    <svg
      className="settings-qr"
      viewBox={`0 0 ${extent} ${extent}`}
      role="img"
      aria-label={props.label}
      shapeRendering="crispEdges"
      data-testid="totp-qr"
    >
      <rect width={extent} height={extent} fill="#ffffff" />
      <path d={modulesPath(props.size, props.modules)} fill="#000000" />
    </svg>
  );
}
