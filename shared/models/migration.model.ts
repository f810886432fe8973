/**
 * The `migrations` collection: one document per versioned data migration that has run
 * (shared/catalog/migrations.ts), so each runs once per database.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';

export interface MigrationDoc {
  /** The migration's id, e.g. `2026-11-30-topics-active`; ids sort in the order they run. */
  _id: string;
  description: string;
  ranAt: Date;
  /** What the migration reported (e.g. how many documents it changed). */
  result: Record<string, unknown>;
}

const migrationSchema = new Schema<MigrationDoc>(
  {
    _id: { type: String, required: true },
    description: { type: String, required: true },
    ranAt: { type: Date, required: true },
    result: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false },
);
// Only _id look-ups ("has this one run?"): no other index.

export type MigrationModel = Model<MigrationDoc>;

export function migrationModel(conn: Connection): MigrationModel {
  return modelOn<MigrationDoc>(conn, 'Migration', migrationSchema, 'migrations');
}
