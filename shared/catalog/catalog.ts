/**
 * The project's copy of the ODSC reference catalog, turned into documents for the database and
 * into a lookup the api and the `classify` tool can use without a database.
 */
import raw from './odsc-catalog.json';
import type { CatalogModels, CenterDoc, ServiceDoc, TopicDoc } from '../models/catalog.model';

interface RawCenter {
  code: string;
  level: 'province' | 'district';
  province: string;
  en: string;
  place_en: string;
  place_alt: string[];
  place_lo: string;
  place_lo_variants: string[];
  towns: { en: string; lo: string }[];
}
interface RawService {
  code: string;
  en: string;
  lo: string;
  lo_variants: string[];
  lo_confidence: string;
  ministry: string;
}
interface RawTopic {
  code: string;
  en: string;
  lo: string;
}

/** "One-door service center" in Lao, as given in the project's reference data. */
const ODSC_LO = 'ສູນບໍລິການຜ່ານປະຕູດຽວ';

function centerFromRaw(c: RawCenter): CenterDoc {
  const placeLo = c.level === 'district' ? `ເມືອງ${c.place_lo}` : c.place_lo;
  return {
    code: c.code,
    level: c.level,
    province: c.province,
    name: { lo: `${ODSC_LO} ${placeLo}`, en: c.en },
    place: { lo: c.place_lo, en: c.place_en },
    aliases: [...new Set([...c.place_alt, ...c.place_lo_variants])],
    towns: c.towns.map((t) => ({ lo: t.lo, en: t.en })),
    active: true,
  };
}

export const seedCenters: CenterDoc[] = (raw.centers as RawCenter[]).map(centerFromRaw);

export const seedServices: ServiceDoc[] = (raw.services as RawService[]).map((s) => ({
  code: s.code,
  name: { lo: s.lo, en: s.en },
  aliases: [...s.lo_variants],
  ministry: s.ministry,
  loConfidence: s.lo_confidence,
  active: true,
}));

export const seedTopics: TopicDoc[] = (raw.topics as RawTopic[]).map((t) => ({
  code: t.code,
  name: { lo: t.lo, en: t.en },
}));

/** Upserts the seed catalog by code. Idempotent; never deletes what admins added. */
export async function seedCatalog(
  models: CatalogModels,
): Promise<{ centers: number; services: number; topics: number }> {
  const up = <T extends { code: string }>(docs: T[]) =>
    docs.map((d) => ({
      updateOne: { filter: { code: d.code }, update: { $set: d }, upsert: true },
    }));
  await models.Center.bulkWrite(up(seedCenters) as never, { ordered: false });
  await models.Service.bulkWrite(up(seedServices) as never, { ordered: false });
  await models.Topic.bulkWrite(up(seedTopics) as never, { ordered: false });
  return { centers: seedCenters.length, services: seedServices.length, topics: seedTopics.length };
}

/** A read-only view of the catalog used for validation and for rendering forms. */
export interface CatalogView {
  centers: CenterDoc[];
  services: ServiceDoc[];
  topics: TopicDoc[];
  centerByCode: Map<string, CenterDoc>;
  serviceByCode: Map<string, ServiceDoc>;
}

export function catalogView(
  centers: CenterDoc[],
  services: ServiceDoc[],
  topics: TopicDoc[],
): CatalogView {
  return {
    centers,
    services,
    topics,
    centerByCode: new Map(centers.map((c) => [c.code, c])),
    serviceByCode: new Map(services.map((s) => [s.code, s])),
  };
}

/** The catalog as seeded, for tools that run without a database. */
export function seedCatalogView(): CatalogView {
  return catalogView(seedCenters, seedServices, seedTopics);
}

/** Reads the active catalog from the database. */
export async function loadCatalogView(models: CatalogModels): Promise<CatalogView> {
  const [centers, services, topics] = await Promise.all([
    models.Center.find({ active: true }).sort({ code: 1 }).lean<CenterDoc[]>(),
    models.Service.find({ active: true }).sort({ code: 1 }).lean<ServiceDoc[]>(),
    models.Topic.find({}).sort({ code: 1 }).lean<TopicDoc[]>(),
  ]);
  return catalogView(centers, services, topics);
}
