/**
 * The taskforce web app at /dashboard: one HTML shell for every page of the app (the browser
 * routes on location.pathname) and the files `npm run build` bundles into dist/dashboard/
 * (scripts/build-dashboard.ts). The Lao web font is the kiosk's, from @fontsource/noto-sans-lao.
 *
 * - `GET /dashboard`, `GET /dashboard/<anything but assets/>` → the shell (`no-store`)
 * - `GET /dashboard/assets/app.js|app.js.map|app.css` → the bundle (`no-cache`)
 * - `GET /dashboard/assets/fonts/<one of FONT_FILES>` → the font (`no-cache`)
 * Without a build, every one of them answers 503 with the command to run. The app's CSP (app.ts)
 * allows no inline script, so the shell only links the bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type Response } from 'express';
import { FONT_DIR, FONT_FILES, repoRoot } from '../kiosk/kiosk-assets';

export interface DashboardOptions {
  /** The built app; default `<repo root>/dist/dashboard`. */
  distDir?: string;
}

interface File {
  body: Buffer;
  type: string;
}

const BUILT = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
} as const;

const NOT_BUILT = 'The dashboard is not built: run npm run build.';

const SHELL = `<!doctype html>
<html lang="lo">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>ODSC — ບ່ອນເຮັດວຽກ / Workspace</title>
<link rel="stylesheet" href="/dashboard/assets/app.css">
<script defer src="/dashboard/assets/app.js"></script>
</head>
<body>
<div id="app"></div>
<noscript>
<p lang="lo">ບ່ອນເຮັດວຽກນີ້ຕ້ອງໃຊ້ JavaScript. ກະລຸນາເປີດ JavaScript ໃນບຣາວເຊີຂອງທ່ານ.</p>
<p lang="en">This workspace needs JavaScript. Please turn on JavaScript in your browser.</p>
</noscript>
</body>
</html>
`;

export function dashboardRoutes(opts: DashboardOptions = {}): Router {
  const dir = opts.distDir ?? path.join(repoRoot(), 'dist', 'dashboard');
  let files: Map<string, File> | null = null;
  const fonts = new Map<string, Buffer>();

  // Read once; a missing build is not cached, so building while the api runs is picked up.
  const built = (): Map<string, File> | null => {
    if (files) return files;
    if (!Object.keys(BUILT).every((name) => existsSync(path.join(dir, name)))) return null;
    files = new Map(
      Object.entries(BUILT).map(([name, type]) => [
        name,
        { body: readFileSync(path.join(dir, name)), type },
      ]),
    );
    return files;
  };
  const notBuilt = (res: Response) =>
    res.status(503).set('Cache-Control', 'no-store').type('text').send(NOT_BUILT);

  const r = Router();
  r.get('/dashboard/assets/fonts/:file', (req, res, next) => {
    const name = req.params.file;
    if (!FONT_FILES.includes(name)) return next();
    let body = fonts.get(name);
    if (!body) {
      body = readFileSync(path.join(FONT_DIR, name));
      fonts.set(name, body);
    }
    res.set('Cache-Control', 'no-cache').type('font/woff2').send(body);
  });
  r.get('/dashboard/assets/:file', (req, res, next) => {
    if (!(req.params.file in BUILT)) return next();
    const all = built();
    if (!all) return notBuilt(res);
    const f = all.get(req.params.file)!;
    res.set('Cache-Control', 'no-cache').type(f.type).send(f.body);
  });
  r.get(['/dashboard', '/dashboard/{*page}'], (req, res, next) => {
    // Anything else under assets/ is a missing file, not a page of the app.
    if (req.path.startsWith('/dashboard/assets/')) return next();
    if (!built()) return notBuilt(res);
    res.set('Cache-Control', 'no-store').type('html').send(SHELL);
  });
  return r;
}
