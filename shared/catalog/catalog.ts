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
  active: true,
}));

/**
 * Adds the shipped entries whose code is not stored yet, and nothing else: an entry an admin
 * renamed, moved or deactivated stays as the admin left it, on every start and every deploy.
 * Changes to entries already shipped go through shared/catalog/migrations.ts. Returns how many
 * entries were added.
 */
export async function seedCatalog(
  models: CatalogModels,
): Promise<{ centers: number; services: number; topics: number }> {
  const addMissing = async <T extends { code: string }>(
    Model: CatalogModels['Center'] | CatalogModels['Service'] | CatalogModels['Topic'],
    docs: T[],
  ): Promise<number> => {
    const stored = await (Model as CatalogModels['Topic']).find({}, { code: 1 }).lean();
    const have = new Set(stored.map((d) => d.code));
    const missing = docs.filter((d) => !have.has(d.code));
    if (!missing.length) return 0;
    try {
      await Model.collection.insertMany(missing.map((d) => ({ ...d })) as never[], {
        ordered: false,
      });
    } catch (err) {
      // Another process seeding at the same moment inserted some of them: that is the same result.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    return missing.length;
  };
  return {
    centers: await addMissing(models.Center, seedCenters),
    services: await addMissing(models.Service, seedServices),
    topics: await addMissing(models.Topic, seedTopics),
  };
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
  return catalogView(
    centers,
    services,
    topics.filter((t) => t.active !== false),
  );
}
