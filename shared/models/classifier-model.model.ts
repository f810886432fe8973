/**
 * Versions of the learned classifier (shared/classify/model.ts). A small document per version
 * (when, on what, its evaluation, whether it is active) and the weights in a second collection
 * under the same _id, so that listing versions never reads megabytes of weights. Workers load the
 * newest active version; the shipped model.json is used when there is none. Staff corrections
 * (history entries "correct" on feedback) are the training examples the retraining job adds.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';
import { ClassifierModel, type ModelFile, type TrainingExample } from '../classify/model';
import type { FeedbackDoc, FeedbackModel } from './feedback.model';

export interface ClassifierVersionDoc {
  /** The model's version (sortable: an ISO time and a counter). */
  _id: string;
  createdAt: Date;
  active: boolean;
  trainedOn: ModelFile['trainedOn'];
  evaluation: unknown;
  /** Why a version was stored inactive (the retraining guard's reason), or null. */
  rejected?: string | null;
}

export interface ClassifierWeightsDoc {
  _id: string;
  /** The ModelFile as JSON. */
  file: string;
}

// Few documents (one per training run); found by _id or listed whole, so no other index.
const versionSchema = new Schema<ClassifierVersionDoc>(
  {
    _id: { type: String, required: true },
    createdAt: { type: Date, required: true },
    active: { type: Boolean, required: true },
    trainedOn: { type: Schema.Types.Mixed, required: true },
    evaluation: { type: Schema.Types.Mixed },
    rejected: { type: String, default: null },
  },
  { versionKey: false },
);
const weightsSchema = new Schema<ClassifierWeightsDoc>(
  { _id: { type: String, required: true }, file: { type: String, required: true } },
  { versionKey: false },
);

export interface ClassifierModels {
  Version: Model<ClassifierVersionDoc>;
  Weights: Model<ClassifierWeightsDoc>;
}

export function classifierModels(conn: Connection): ClassifierModels {
  return {
    Version: modelOn<ClassifierVersionDoc>(
      conn,
      'ClassifierVersion',
      versionSchema,
      'classifier_versions',
    ),
    Weights: modelOn<ClassifierWeightsDoc>(
      conn,
      'ClassifierWeights',
      weightsSchema,
      'classifier_weights',
    ),
  };
}

/** How many versions are kept (older ones and their weights are deleted). */
export const KEEP_VERSIONS = 10;

/**
 * Stores a trained model: by default as the newest active version (older versions stay, inactive);
 * with `{ rejected: reason }` as an inactive version that keeps the reason, the active one unchanged.
 */
export async function saveModelVersion(
  m: ClassifierModels,
  model: ClassifierModel,
  opts: { rejected?: string } = {},
): Promise<void> {
  const file = model.toFile();
  const active = opts.rejected === undefined;
  // Weights first: a version document never points at missing weights.
  await m.Weights.updateOne(
    { _id: file.version },
    { $set: { file: JSON.stringify(file) } },
    { upsert: true },
  );
  await m.Version.updateOne(
    { _id: file.version },
    {
      $set: {
        createdAt: new Date(file.createdAt),
        active,
        trainedOn: file.trainedOn,
        evaluation: file.evaluation ?? null,
        rejected: opts.rejected ?? null,
      },
    },
    { upsert: true },
  );
  const all = await m.Version.find({}, { _id: 1, active: 1, createdAt: 1 }).lean<
    ClassifierVersionDoc[]
  >();
  all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? 1 : -1));
  // The version in use: this one, or (when this one is rejected) the newest active one.
  const inUse = active ? file.version : all.find((v) => v.active)?._id;
  for (const [i, v] of all.entries()) {
    if (i >= KEEP_VERSIONS && v._id !== inUse) {
      await m.Version.deleteOne({ _id: v._id });
      await m.Weights.deleteOne({ _id: v._id });
    } else if (v._id !== inUse && v.active) {
      await m.Version.updateOne({ _id: v._id }, { $set: { active: false } });
    }
  }
}

/** The newest version, active or not (what the last training run produced), or null. */
export async function latestVersion(m: ClassifierModels): Promise<ClassifierVersionDoc | null> {
  return m.Version.findOne({}).sort({ createdAt: -1, _id: -1 }).lean<ClassifierVersionDoc>();
}

/** The newest active version, or null when the database has none. */
export async function loadActiveModel(m: ClassifierModels): Promise<ClassifierModel | null> {
  const versions = await m.Version.find({}, { _id: 1, active: 1, createdAt: 1 }).lean<
    ClassifierVersionDoc[]
  >();
  const active = versions
    .filter((v) => v.active)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (!active) return null;
  const w = await m.Weights.findById(active._id).lean<ClassifierWeightsDoc>();
  return w ? ClassifierModel.fromFile(JSON.parse(w.file) as ModelFile) : null;
}

/**
 * Staff corrections as training examples: every feedback with text whose service, kind or topics
 * a person corrected (a "correct" history entry) gives those fields, as they are now.
 */
export async function loadCorrections(Feedback: FeedbackModel): Promise<TrainingExample[]> {
  const out: TrainingExample[] = [];
  const cursor = Feedback.find({}, { text: 1, service: 1, kind: 1, topics: 1, history: 1 })
    .lean<FeedbackDoc>()
    .cursor();
  for await (const d of cursor as AsyncIterable<FeedbackDoc>) {
    const text = d.text?.normalized;
    if (!text || !d.history?.length) continue;
    const fields = new Set(
      d.history.filter((h) => h.action === 'correct').map((h) => h.field as string),
    );
    if (!fields.size) continue;
    const e: TrainingExample = { text };
    if (fields.has('service')) e.service = d.service?.code ?? null;
    if (fields.has('kind') && d.kind?.code) e.kind = d.kind.code;
    if (fields.has('topics')) e.topics = (d.topics ?? []).map((t) => t.code!).filter(Boolean);
    if (e.service !== undefined || e.kind || e.topics) out.push(e);
  }
  return out;
}
