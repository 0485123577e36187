// Draws the Keyward mark — a light shield with a keyhole on a solid rounded square — from one set of
// shapes into resources/icon.png (512×512 RGBA, anti-aliased), renderer/public/keyward-mark.svg and
// the tray icons in electron/main/assets/tray/ (the colour mark at 16 and 32 px; a black
// shield-with-keyhole template for the macOS menu bar at 16 and 32 px).
// No image library: a PNG is a few zlib-compressed chunks. Run: `node scripts/make-icon.ts`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const root = join(import.meta.dirname, '..');
const SIZE = 512;
const SUBSAMPLES = 4; // 4×4 samples per pixel for anti-aliasing
// The shapes are drawn on a 64×64 grid, like the SVG's viewBox; a view is the part of it drawn.
type View = { x: number; y: number; size: number };
const FULL_VIEW: View = { x: 0, y: 0, size: 64 };
// The shield alone (x 15–49, y 11–53), with a little room: what the macOS menu-bar template shows.
const SHIELD_VIEW: View = { x: 9, y: 8, size: 48 };

type Rgb = readonly [number, number, number];
const TILE: Rgb = [0x1f, 0x5f, 0x8b];
const SHIELD: Rgb = [0xf4, 0xf7, 0xfa];
const BLACK: Rgb = [0, 0, 0];
const hex = (c: Rgb): string => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

// Geometry, in grid units.
const TILE_RADIUS = 14;
const CX = 32; // the shield's axis
const SHIELD_TOP = 11; // apex of the top edge
const SHOULDER_Y = 17; // where the top edges meet the straight sides
const HALF_WIDTH = 17;
const SIDE_END_Y = 30; // the straight sides end here, then curve to the point
const POINT_Y = 53;
// One side's curve: a cubic from (CX+HALF_WIDTH, SIDE_END_Y) to (CX, POINT_Y).
const CURVE = [
  [CX + HALF_WIDTH, SIDE_END_Y],
  [CX + HALF_WIDTH, 41],
  [CX + 9.8, 49.6],
  [CX, POINT_Y],
] as const;
const HOLE = { cy: 28, r: 5, slotTop: 31, slotBottom: 42, slotTopHalf: 2.4, slotBottomHalf: 4 };

function cubic(t: number, a: number, b: number, c: number, d: number): number {
  const u = 1 - t;
  return u * u * u * a + 3 * u * u * t * b + 3 * u * t * t * c + t * t * t * d;
}

// The curve's half-width by height, sampled once and interpolated.
const curveSamples: [number, number][] = [];
for (let i = 0; i <= 400; i += 1) {
  const t = i / 400;
  const x = cubic(t, CURVE[0][0], CURVE[1][0], CURVE[2][0], CURVE[3][0]);
  const y = cubic(t, CURVE[0][1], CURVE[1][1], CURVE[2][1], CURVE[3][1]);
  curveSamples.push([y, x - CX]);
}
function curveHalfWidth(y: number): number {
  for (let i = 1; i < curveSamples.length; i += 1) {
    const [y1, w1] = curveSamples[i] ?? [POINT_Y, 0];
    const [y0, w0] = curveSamples[i - 1] ?? [SIDE_END_Y, HALF_WIDTH];
    if (y <= y1) {
      return y1 === y0 ? w1 : w0 + ((w1 - w0) * (y - y0)) / (y1 - y0);
    }
  }
  return 0;
}

function inTile(x: number, y: number): boolean {
  const r = TILE_RADIUS;
  const dx = Math.max(r - x, 0, x - (64 - r));
  const dy = Math.max(r - y, 0, y - (64 - r));
  return x >= 0 && x <= 64 && y >= 0 && y <= 64 && dx * dx + dy * dy <= r * r;
}

function inShield(x: number, y: number): boolean {
  const d = Math.abs(x - CX);
  if (d > HALF_WIDTH || y > POINT_Y) {
    return false;
  }
  if (y < SHIELD_TOP + ((SHOULDER_Y - SHIELD_TOP) * d) / HALF_WIDTH) {
    return false;
  }
  return y <= SIDE_END_Y || d <= curveHalfWidth(y);
}

function inKeyhole(x: number, y: number): boolean {
  const dx = x - CX;
  const dy = y - HOLE.cy;
  if (dx * dx + dy * dy <= HOLE.r * HOLE.r) {
    return true;
  }
  if (y < HOLE.slotTop || y > HOLE.slotBottom) {
    return false;
  }
  const f = (y - HOLE.slotTop) / (HOLE.slotBottom - HOLE.slotTop);
  return Math.abs(dx) <= HOLE.slotTopHalf + f * (HOLE.slotBottomHalf - HOLE.slotTopHalf);
}

/** The app mark: the light shield with its keyhole on the rounded tile. */
function markColor(x: number, y: number): Rgb | null {
  if (!inTile(x, y)) {
    return null;
  }
  return inShield(x, y) && !inKeyhole(x, y) ? SHIELD : TILE;
}

/** The template: the shield in black with the keyhole cut out, nothing else (macOS tints it). */
function templateColor(x: number, y: number): Rgb | null {
  return inShield(x, y) && !inKeyhole(x, y) ? BLACK : null;
}

function renderRgba(size: number, colorAt: (x: number, y: number) => Rgb | null, view: View): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const n = SUBSAMPLES * SUBSAMPLES;
  const unit = size / view.size;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      // Premultiplied sums over the subsamples.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy += 1) {
        for (let sx = 0; sx < SUBSAMPLES; sx += 1) {
          const x = view.x + (px + (sx + 0.5) / SUBSAMPLES) / unit;
          const y = view.y + (py + (sy + 0.5) / SUBSAMPLES) / unit;
          const color = colorAt(x, y);
          if (color === null) {
            continue;
          }
          r += color[0];
          g += color[1];
          b += color[2];
          a += 1;
        }
      }
      const o = (py * size + px) * 4;
      if (a > 0) {
        pixels[o] = Math.round(r / a);
        pixels[o + 1] = Math.round(g / a);
        pixels[o + 2] = Math.round(b / a);
        pixels[o + 3] = Math.round((255 * a) / n);
      }
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** Encodes RGBA pixels as a PNG (8-bit RGBA, no interlace, filter 0 on every row). */
function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function svg(): string {
  const [p0, c1, c2, p3] = CURVE;
  const mirror = (x: number): number => Number((2 * CX - x).toFixed(3));
  const shield =
    `M${CX} ${SHIELD_TOP} L${CX + HALF_WIDTH} ${SHOULDER_Y} V${SIDE_END_Y} ` +
    `C${c1[0]} ${c1[1]} ${c2[0]} ${c2[1]} ${p3[0]} ${p3[1]} ` +
    `C${mirror(c2[0])} ${c2[1]} ${mirror(c1[0])} ${c1[1]} ${mirror(p0[0])} ${p0[1]} ` +
    `V${SHOULDER_Y} Z`;
  const slot =
    `M${CX - HOLE.slotTopHalf} ${HOLE.slotTop} H${CX + HOLE.slotTopHalf} ` +
    `L${CX + HOLE.slotBottomHalf} ${HOLE.slotBottom} H${CX - HOLE.slotBottomHalf} Z`;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Keyward">',
    `  <rect width="64" height="64" rx="${TILE_RADIUS}" fill="${hex(TILE)}"/>`,
    `  <path d="${shield}" fill="${hex(SHIELD)}"/>`,
    `  <circle cx="${CX}" cy="${HOLE.cy}" r="${HOLE.r}" fill="${hex(TILE)}"/>`,
    `  <path d="${slot}" fill="${hex(TILE)}"/>`,
    '</svg>',
    '',
  ].join('\n');
}

function write(relativePath: string, data: Buffer | string): void {
  const path = join(root, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  console.log(`wrote ${relativePath}`);
}

function png(size: number, colorAt: (x: number, y: number) => Rgb | null, view: View): Buffer {
  return encodePng(size, size, renderRgba(size, colorAt, view));
}

write('resources/icon.png', png(SIZE, markColor, FULL_VIEW));
write('renderer/public/keyward-mark.svg', svg());
write('electron/main/assets/tray/tray.png', png(16, markColor, FULL_VIEW));
write('electron/main/assets/tray/tray@2x.png', png(32, markColor, FULL_VIEW));
write('electron/main/assets/tray/trayTemplate.png', png(16, templateColor, SHIELD_VIEW));
write('electron/main/assets/tray/trayTemplate@2x.png', png(32, templateColor, SHIELD_VIEW));
