/**
 * Versioned data migrations. The seed (`npm run seed`, `npm start`, compose `seed`) only adds
 * catalog entries that are missing, so a change to an entry already shipped — a renamed service,
 * a center that moved — is written here as a migration, and also in odsc-catalog.json so that a
 * fresh database gets it from the seed. Each migration runs once per database: the `migrations`
 * collection records the ones that ran. Migrations must be idempotent (two seeds starting at the
 * same moment may both run one) and must not undo what an admin changed since: change an entry
 * only while it still holds the shipped value (docs/catalog.md).
 */
import type { Connection } from 'mongoose';
import { isDuplicateKey } from '../db/mongo';
import { catalogModels, type CatalogModels } from '../models/catalog.model';
import { migrationModel } from '../models/migration.model';

/** What a migration gets to work with. */
export interface MigrationContext {
  conn: Connection;
  catalog: CatalogModels;
}

/** One versioned change to stored data. */
export interface Migration {
  /** `YYYY-MM-DD-name`: migrations run in the order of their ids. */
  id: string;
  description: string;
  up(ctx: MigrationContext): Promise<Record<string, unknown>>;
}

export const MIGRATIONS: Migration[] = [
  {
    id: '2026-11-30-topics-active',
    description: 'Topics stored before admins could deactivate them are marked active.',
    async up({ catalog }) {
      // FerretDB pushes no filter down: read the few topics and write the ones that need it.
      const topics = await catalog.Topic.find({}, { _id: 1, active: 1 }).lean();
      const missing = topics.filter((t) => typeof t.active !== 'boolean');
      for (const t of missing)
        await catalog.Topic.collection.updateOne({ _id: t._id }, { $set: { active: true } });
      return { topicsMarked: missing.length };
    },
  },
];

/** Runs the migrations this database has not recorded, in id order; returns the ids it ran. */
export async function runMigrations(
  conn: Connection,
  migrations: Migration[] = MIGRATIONS,
): Promise<string[]> {
  const Migrations = migrationModel(conn);
  const done = new Set((await Migrations.find({}, { _id: 1 }).lean()).map((m) => m._id));
  const ran: string[] = [];
  const ctx: MigrationContext = { conn, catalog: catalogModels(conn) };
  for (const m of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
    if (done.has(m.id)) continue;
    const result = await m.up(ctx);
    try {
      await Migrations.create({ _id: m.id, description: m.description, ranAt: new Date(), result });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    ran.push(m.id);
  }
  return ran;
}
