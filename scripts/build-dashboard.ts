/**
 * Bundles the taskforce web app (services/dashboard) into dist/dashboard/: esbuild turns
 * src/main.tsx and everything it imports (Preact included) into one minified app.js with its
 * source map, and the style sheet is copied beside it as app.css. The api serves both
 * (services/api/staff/dashboard.routes.ts). Run by `npm run build` after tsc, which does not
 * emit the browser code (tsconfig.build.json excludes it).
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

export async function buildDashboard(root = repoRoot()): Promise<string[]> {
  const src = path.join(root, 'services', 'dashboard');
  const out = path.join(root, 'dist', 'dashboard');
  mkdirSync(out, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: [path.join(src, 'src', 'main.tsx')],
    outfile: path.join(out, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'eof',
    logLevel: 'warning',
  });
  copyFileSync(path.join(src, 'dashboard.css'), path.join(out, 'app.css'));
  return ['app.js', 'app.js.map', 'app.css'].map((f) => path.join(out, f));
}

if (require.main === module) {
  buildDashboard().then(
    (files) => {
      for (const f of files)
        console.log(
          `dashboard: ${path.basename(f).padEnd(11)} ${(statSync(f).size / 1024).toFixed(1)} KiB`,
        );
    },
    (err: unknown) => {
      console.error('dashboard build failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
