/** `npm run storage -- build-ferretdb`: builds and caches the FerretDB binary ahead of time (CI does this). */
import { ensureFerretBinary, StorageError } from './storage';

const [cmd] = process.argv.slice(2);
if (cmd === 'build-ferretdb') {
  try {
    const bins = ensureFerretBinary((m) => console.log(m));
    console.log(`${bins.server}\n${bins.idIndex}`);
  } catch (err) {
    console.error(err instanceof StorageError ? err.message : err);
    process.exit(1);
  }
} else {
  console.error('usage: npm run storage -- build-ferretdb');
  process.exit(2);
}
