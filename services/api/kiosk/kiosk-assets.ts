/**
 * The kiosk app's files: the page, script, style and service worker from `public/`, the Lao web
 * font from the @fontsource/noto-sans-lao package, and PNG icons drawn here (no CDN, nothing
 * fetched from elsewhere). The app version is a hash of all of them, so a changed file means a new
 * service worker and a fresh offline cache on every tablet.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

export interface Asset {
  body: Buffer;
  type: string;
  /** Cache-Control for the response. */
  cache: string;
}

/** The folder that holds package.json (the repo in development, /app in the image). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

const PUBLIC = path.join(repoRoot(), 'services/api/kiosk/public');
/** Where @fontsource/noto-sans-lao keeps its woff2 files (the kiosk and the dashboard serve them). */
export const FONT_DIR = path.join(
  path.dirname(require.resolve('@fontsource/noto-sans-lao/package.json')),
  'files',
);
/** The font files the style sheet uses: Lao and Latin subsets, regular and bold. */
export const FONT_FILES = [
  'noto-sans-lao-lao-400-normal.woff2',
  'noto-sans-lao-lao-700-normal.woff2',
  'noto-sans-lao-latin-400-normal.woff2',
  'noto-sans-lao-latin-700-normal.woff2',
];

// ---- PNG icons (a smiley on the platform's green), encoded by hand: zlib + CRC-32 ----

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A square RGBA PNG: green background, a yellow face with eyes and a smile. */
export function iconPng(size: number): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const c = size / 2;
  const r = size * 0.36;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - c;
      const dy = y + 0.5 - c;
      const d = Math.hypot(dx, dy);
      let rgb = [0x0b, 0x6e, 0x4f]; // background
      if (d < r) rgb = [0xff, 0xc8, 0x3d]; // face
      const eye = Math.hypot(Math.abs(dx) - r * 0.38, dy + r * 0.3) < r * 0.12;
      const mouth = dy > r * 0.05 && Math.abs(d - r * 0.6) < r * 0.08;
      if (d < r && (eye || mouth)) rgb = [0x3a, 0x2a, 0x10];
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = rgb[0]!;
      raw[o + 1] = rgb[1]!;
      raw[o + 2] = rgb[2]!;
      raw[o + 3] = 255;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(6, 9); // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- the bundle ----

export interface KioskAssets {
  version: string;
  files: Map<string, Asset>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

let cached: KioskAssets | null = null;

/** Every file the kiosk needs, loaded once, keyed by its path under /kiosk/. */
export function kioskAssets(): KioskAssets {
  cached ??= loadKioskAssets();
  return cached;
}

/**
 * Builds the bundle. `transform` may change a file before it is hashed (tests use it to stand up
 * a second release on the same origin).
 */
export function loadKioskAssets(
  opts: { transform?: (name: string, body: Buffer) => Buffer } = {},
): KioskAssets {
  const files = new Map<string, Asset>();
  const hash = createHash('sha256');
  const add = (name: string, original: Buffer) => {
    const body = opts.transform ? opts.transform(name, original) : original;
    hash.update(name).update(body);
    files.set(name, {
      body,
      type: TYPES[path.extname(name)] ?? 'application/octet-stream',
      cache: 'no-cache',
    });
  };
  for (const name of ['index.html', 'app.js', 'kiosk.css', 'sw.js'])
    add(name, readFileSync(path.join(PUBLIC, name)));
  for (const f of FONT_FILES) add(`fonts/${f}`, readFileSync(path.join(FONT_DIR, f)));
  for (const size of [192, 512]) add(`icon-${size}.png`, iconPng(size));
  const manifest = {
    name: 'ODSC exit survey — ສູນບໍລິການປະຕູດຽວ',
    short_name: 'ODSC survey',
    lang: 'lo',
    start_url: '/kiosk/',
    scope: '/kiosk/',
    display: 'fullscreen',
    orientation: 'any',
    background_color: '#0b6e4f',
    theme_color: '#0b6e4f',
    icons: [192, 512].map((s) => ({
      src: `/kiosk/icon-${s}.png`,
      sizes: `${s}x${s}`,
      type: 'image/png',
      purpose: 'any maskable',
    })),
  };
  add('manifest.webmanifest', Buffer.from(JSON.stringify(manifest, null, 2)));
  const version = hash.digest('hex').slice(0, 12);
  // The version goes into the page and the service worker, so a new release installs itself.
  for (const name of ['index.html', 'sw.js']) {
    const a = files.get(name)!;
    a.body = Buffer.from(a.body.toString('utf8').replaceAll('__KIOSK_VERSION__', version));
  }
  return { version, files };
}
