/**
 * `npm run restore -- --from <dir> [--force]`: puts a backup made by `npm run backup` back
 * (scripts/backup.ts): checksums first, an empty database unless --force, then every collection.
 */
import { backupCli } from './backup';

if (require.main === module) {
  backupCli('restore', process.argv.slice(2)).catch((err: unknown) => {
    console.error('restore failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
