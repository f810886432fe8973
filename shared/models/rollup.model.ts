/**
 * Daily rollups per (day, center, service, channel), updated with $inc upserts by the intake
 * worker so that dashboards and reports never scan all feedback. Averages are sum / count.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';
import type { FeedbackDoc } from './feedback.model';

export interface RollupDoc {
  /** `day|center|service|channel`: the $inc upsert is a primary-key write on every backend. */
  _id: string;
  day: string;
  month: string;
  centerCode: string;
  serviceCode: string;
  channel: string;
  count: number;
  ratingSum: number;
  ratingCount: number;
  /** Count per rating value: r1 … r5 (keys may not contain '.' in FerretDB). */
  ratings: { r1: number; r2: number; r3: number; r4: number; r5: number };
  complaints: number;
  praise: number;
  needsTriage: number;
}

/** Placeholder codes for feedback whose center or service is not known (yet). */
export const UNKNOWN_CODE = '_unknown';

const rollupSchema = new Schema<RollupDoc>(
  {
    _id: { type: String, required: true },
    day: { type: String, required: true },
    month: { type: String, required: true },
    centerCode: { type: String, required: true },
    serviceCode: { type: String, required: true },
    channel: { type: String, required: true },
    count: { type: Number, default: 0 },
    ratingSum: { type: Number, default: 0 },
    ratingCount: { type: Number, default: 0 },
    ratings: { r1: Number, r2: Number, r3: Number, r4: Number, r5: Number },
    complaints: { type: Number, default: 0 },
    praise: { type: Number, default: 0 },
    needsTriage: { type: Number, default: 0 },
  },
  { versionKey: false },
);

// One document per bucket, whatever writes the _id (the $inc upsert goes by _id).
rollupSchema.index({ day: 1, centerCode: 1, serviceCode: 1, channel: 1 }, { unique: true });
// Monthly reports: all buckets of a month, per center.
rollupSchema.index({ month: 1, centerCode: 1 });

export type RollupModel = Model<RollupDoc>;

export function rollupModel(conn: Connection): RollupModel {
  return modelOn<RollupDoc>(conn, 'Rollup', rollupSchema, 'rollups');
}

/** The bucket's _id; '|' never occurs in days, catalog codes or channel names. */
export function rollupId(k: {
  day: string;
  centerCode: string;
  serviceCode: string;
  channel: string;
}): string {
  return `${k.day}|${k.centerCode}|${k.serviceCode}|${k.channel}`;
}

/** The $inc upsert that counts one feedback document in its bucket. */
export function rollupIncrement(
  f: Pick<
    FeedbackDoc,
    'day' | 'month' | 'center' | 'service' | 'channel' | 'rating' | 'kind' | 'needsTriage'
  >,
) {
  const inc: Record<string, number> = {
    count: 1,
    complaints: f.kind.code === 'complaint' ? 1 : 0,
    praise: f.kind.code === 'praise' ? 1 : 0,
    needsTriage: f.needsTriage ? 1 : 0,
  };
  if (f.rating) {
    inc.ratingSum = f.rating;
    inc.ratingCount = 1;
    inc[`ratings.r${f.rating}`] = 1;
  }
  const key = {
    day: f.day,
    centerCode: f.center.code ?? UNKNOWN_CODE,
    serviceCode: f.service.code ?? UNKNOWN_CODE,
    channel: f.channel,
  };
  return {
    filter: { _id: rollupId(key) },
    update: { $inc: inc, $setOnInsert: { ...key, month: f.month } },
  };
}

/**
 * One marker per (stored batch, rollup bucket), written right after that bucket's increment for
 * the batch: a redelivered job whose document exists asks the marker whether it was counted.
 */
export interface RollupBatchDoc {
  _id: string;
  at: Date;
  count: number;
}

const rollupBatchSchema = new Schema<RollupBatchDoc>(
  { _id: { type: String, required: true }, at: { type: Date, required: true }, count: Number },
  { versionKey: false },
);

export type RollupBatchModel = Model<RollupBatchDoc>;

export function rollupBatchModel(conn: Connection): RollupBatchModel {
  return modelOn<RollupBatchDoc>(conn, 'RollupBatch', rollupBatchSchema, 'rollup_batches');
}
