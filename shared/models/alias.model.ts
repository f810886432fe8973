/**
 * Phrases staff taught the classifier: when a person corrects the center or service of a
 * feedback, the phrase of its text that should have decided it is stored here, and the next
 * message containing it is classified with method "learned".
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';
import { fold } from '../classify/fold';
import type { LearnedAlias } from '../classify/text-classifier';

export interface AliasDoc {
  /** `field|folded phrase`: learning the same phrase again overwrites it (an _id upsert). */
  _id: string;
  field: 'center' | 'service';
  phrase: string;
  code: string;
  learnedAt: Date;
  /** Who taught it (staff user id or name), for audit. */
  by: string;
}

const aliasSchema = new Schema<AliasDoc>(
  {
    _id: { type: String, required: true },
    field: { type: String, enum: ['center', 'service'], required: true },
    phrase: { type: String, required: true },
    code: { type: String, required: true },
    learnedAt: { type: Date, required: true },
    by: { type: String, default: 'staff' },
  },
  { versionKey: false },
);

export type AliasModel = Model<AliasDoc>;

export function aliasModel(conn: Connection): AliasModel {
  return modelOn<AliasDoc>(conn, 'Alias', aliasSchema, 'aliases');
}

/** Stores a learned phrase (folded); returns it. */
export async function learnAlias(
  Alias: AliasModel,
  a: LearnedAlias & { by?: string },
): Promise<LearnedAlias> {
  const phrase = fold(a.phrase);
  if (Array.from(phrase).length < 2)
    throw new Error('a learned phrase needs at least two characters');
  await Alias.updateOne(
    { _id: `${a.field}|${phrase}` },
    { $set: { field: a.field, phrase, code: a.code, learnedAt: new Date(), by: a.by ?? 'staff' } },
    { upsert: true },
  );
  return { field: a.field, phrase, code: a.code };
}

export async function loadAliases(Alias: AliasModel): Promise<LearnedAlias[]> {
  const docs = await Alias.find({}).lean<AliasDoc[]>();
  return docs.map((d) => ({ field: d.field, phrase: d.phrase, code: d.code }));
}
