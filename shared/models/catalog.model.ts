/**
 * The catalog: ODSC centers, line-ministry services and feedback topics, each with Lao and
 * English names and the aliases that free-text classification matches on. Seeded from
 * shared/catalog/odsc-catalog.json; the seed only adds what is missing, admins add, rename, move and
 * deactivate entries (docs/catalog.md), and changes to shipped entries go through migrations.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';

export interface LocalizedName {
  lo: string;
  en: string;
}

export interface CenterDoc {
  code: string;
  level: 'province' | 'district';
  province: string;
  name: LocalizedName;
  place: LocalizedName;
  aliases: string[];
  towns: LocalizedName[];
  active: boolean;
}

export interface ServiceDoc {
  code: string;
  name: LocalizedName;
  aliases: string[];
  ministry: string;
  loConfidence: string;
  active: boolean;
}

export interface TopicDoc {
  code: string;
  name: LocalizedName;
  /** Absent on topics stored before admins could deactivate them: treated as active. */
  active?: boolean;
}

const nameSchema = new Schema<LocalizedName>({ lo: String, en: String }, { _id: false });

const centerSchema = new Schema<CenterDoc>(
  {
    code: { type: String, required: true },
    level: { type: String, enum: ['province', 'district'], required: true },
    province: { type: String, required: true },
    name: { type: nameSchema, required: true },
    place: { type: nameSchema, required: true },
    aliases: { type: [String], default: [] },
    towns: { type: [nameSchema], default: [] },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
// The seed, the admin's edits and intake validation look a center up by code.
centerSchema.index({ code: 1 }, { unique: true });

const serviceSchema = new Schema<ServiceDoc>(
  {
    code: { type: String, required: true },
    name: { type: nameSchema, required: true },
    aliases: { type: [String], default: [] },
    ministry: { type: String, default: '' },
    loConfidence: { type: String, default: 'low' },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
// The seed, the admin's edits and intake validation look a service up by code.
serviceSchema.index({ code: 1 }, { unique: true });

const topicSchema = new Schema<TopicDoc>(
  {
    code: { type: String, required: true },
    name: { type: nameSchema, required: true },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
// The seed and the admin's edits look a topic up by code.
topicSchema.index({ code: 1 }, { unique: true });

export interface CatalogModels {
  Center: Model<CenterDoc>;
  Service: Model<ServiceDoc>;
  Topic: Model<TopicDoc>;
}

export function catalogModels(conn: Connection): CatalogModels {
  return {
    Center: modelOn(conn, 'Center', centerSchema, 'centers'),
    Service: modelOn(conn, 'Service', serviceSchema, 'services'),
    Topic: modelOn(conn, 'Topic', topicSchema, 'topics'),
  };
}
