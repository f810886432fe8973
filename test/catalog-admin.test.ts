/**
 * The catalog admins edit, on the real servers: the staff API adds, renames, moves and deactivates
 * centers, services and topics (audited, admins only, bad input answered field by field); the api
 * that took a change serves it at once to the web form, the kiosk and the Telegram menus; the
 * processes that only read (the worker's classifier, the polling bot) see it within
 * CATALOG_REFRESH_S (1 s here); and the seed and the migrations never undo an admin's edit.
 */
import request from 'supertest';
import { CatalogCache } from '../services/api/catalog-cache';
import { SECRET_HEADER } from '../services/api/channels/telegram-webhook';
import { loadCatalogView, seedCatalog, seedCenters } from '../shared/catalog/catalog';
import { MIGRATIONS, runMigrations } from '../shared/catalog/migrations';
import { auditModel } from '../shared/models/audit.model';
import { aliasModel, loadAliases } from '../shared/models/alias.model';
import { migrationModel } from '../shared/models/migration.model';
import { normalizeIntake } from '../workers/intake/normalize.step';
import { CatalogTextClassifier } from '../workers/intake/classify.step';
import { kioskCli } from '../scripts/kiosk-cli';
import { seed } from '../scripts/seed';
import { buttonsOf, Citizen, FakeTelegram, messageIdOf } from './helpers/fake-telegram';
import { startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';
import { makeUser, signIn, type StaffAgent } from './helpers/staff';

const TOKEN = '7000000002:AAtest-token_0123456789abcdefghijk';
const SECRET = 'webhook-secret_catalog_0123456789';
let p: TestPlatform;
let fake: FakeTelegram;
let admin: StaffAgent;
let taskforce: StaffAgent;

beforeAll(async () => {
  fake = new FakeTelegram(TOKEN);
  await fake.start();
  p = await startTestPlatform('catalogadmin', {
    env: {
      CATALOG_REFRESH_S: '1',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
    },
  });
  await makeUser(p, 'admin@catalog.test', 'admin');
  await makeUser(p, 'tf@catalog.test', 'taskforce');
  admin = await signIn(p.app, 'admin@catalog.test');
  taskforce = await signIn(p.app, 'tf@catalog.test');
});
afterAll(async () => {
  await p.close();
  await fake.stop();
});

const post = (a: StaffAgent, path: string, body: unknown) =>
  a.agent
    .post(path)
    .set('X-CSRF-Token', a.csrf)
    .send(body as object);
const patch = (a: StaffAgent, path: string, body: unknown) =>
  a.agent
    .patch(path)
    .set('X-CSRF-Token', a.csrf)
    .send(body as object);

const NAMBAK = {
  code: 'LA-LP-NAMBAK',
  province: 'LA-LP',
  level: 'district',
  name: { lo: 'ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງນ້ຳບາກ', en: 'Nambak District ODSC' },
  place: { lo: 'ນ້ຳບາກ', en: 'Nambak' },
};

const audits = async (action: string) =>
  (await auditModel(p.conn).find({}).lean())
    .filter((a) => a.action === action)
    .sort((a, b) => a._id.localeCompare(b._id));

/** A classifier built as the worker builds it (workers/main.ts), with the configured refresh. */
function workerClassifier() {
  return new CatalogTextClassifier(
    {
      catalog: () => loadCatalogView(p.catalog),
      aliases: () => loadAliases(aliasModel(p.conn)),
    },
    p.config.catalogRefreshMs,
  );
}
async function centerOf(c: CatalogTextClassifier, text: string): Promise<string | null> {
  const envelope = {
    v: 1 as const,
    channel: 'sms' as const,
    externalId: `SM${Math.random().toString(16).slice(2)}`,
    receivedAt: new Date().toISOString(),
    sender: { kind: 'anonymous' as const, consentToContact: false },
    text,
    meta: {},
  };
  const normalized = normalizeIntake(envelope, p.vault);
  return (await c.classify({ envelope, normalized })).center.code;
}

let nextChat = 770_000_100;
async function telegramCenters(province: string, lang: 'lo' | 'en'): Promise<string[]> {
  const c = new Citizen(++nextChat, { languageCode: lang });
  const send = async (u: Record<string, unknown>) =>
    expect(
      (await request(p.app).post('/webhooks/telegram').set(SECRET_HEADER, SECRET).send(u)).status,
    ).toBe(200);
  const press = async (arg: string) => {
    const call = fake.menu(c.chatId);
    const b = buttonsOf(call).find(([, data]) => data.endsWith(`:${arg}`));
    if (!b) throw new Error(`no button ${arg}: ${JSON.stringify(buttonsOf(call))}`);
    await send(c.press(messageIdOf(call), b[1]));
  };
  await send(c.text('/start'));
  await press(lang);
  await press(province);
  return buttonsOf(fake.menu(c.chatId)).map(([text]) => text);
}

test('only admins change the catalog; bad input is answered field by field and nothing is written', async () => {
  expect((await post(taskforce, '/api/v1/catalog/centers', NAMBAK)).status).toBe(403);
  expect((await admin.agent.post('/api/v1/catalog/centers').send(NAMBAK)).status).toBe(403); // no CSRF
  expect((await taskforce.agent.get('/api/v1/catalog/all')).status).toBe(403);

  const bad = await post(admin, '/api/v1/catalog/centers', {
    ...NAMBAK,
    code: 'LA-XX-NAMBAK',
    province: 'LA-ZZ',
    name: { lo: '  ', en: 'Nambak' },
  });
  expect(bad.status).toBe(422);
  const fields = bad.body.error.details.map((d: { field: string }) => d.field).sort();
  expect(fields).toEqual(expect.arrayContaining(['name.lo', 'province']));
  // A district center's code starts with its province's.
  const wrongCode = await post(admin, '/api/v1/catalog/centers', {
    ...NAMBAK,
    code: 'LA-OU-NAMBAK',
  });
  expect(wrongCode.status).toBe(422);
  expect(wrongCode.body.error.details[0].field).toBe('code');
  // A shipped code is taken.
  const dup = await post(admin, '/api/v1/catalog/centers', {
    ...NAMBAK,
    code: 'LA-VT-XAYSETHA',
    province: 'LA-VT',
  });
  expect(dup.status).toBe(409);
  expect(dup.body.error.code).toBe('CATALOG_CODE_TAKEN');
  expect((await patch(admin, '/api/v1/catalog/centers/LA-NOPE', { active: false })).status).toBe(
    404,
  );
  expect((await patch(admin, '/api/v1/catalog/centers/LA-SV', {})).status).toBe(422);
  expect((await patch(admin, '/api/v1/catalog/centers/LA-SV', { code: 'LA-XX' })).status).toBe(422);
  expect(await p.catalog.Center.countDocuments({})).toBe(seedCenters.length);
  expect(await audits('catalog_create')).toHaveLength(0);
});

test('a new center reaches the web form, the kiosk, the Telegram menus at once and the classifier within the refresh', async () => {
  // Every reader has its copy of the catalog before the change.
  const classifier = workerClassifier();
  const pollerCache = new CatalogCache(p.catalog, p.config.catalogRefreshMs);
  expect((await pollerCache.get()).centerByCode.has('LA-LP-NAMBAK')).toBe(false);
  expect(await centerOf(classifier, 'ການບໍລິການຢູ່ເມືອງນ້ຳບາກຊ້າຫຼາຍ')).not.toBe('LA-LP-NAMBAK');
  expect((await request(p.app).get('/feedback')).text).not.toContain('ນ້ຳບາກ');

  const res = await post(admin, '/api/v1/catalog/centers', NAMBAK);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ ...NAMBAK, active: true, towns: [], aliases: [] });
  const [created] = await audits('catalog_create');
  expect(created).toMatchObject({
    actorEmail: 'admin@catalog.test',
    target: 'center:LA-LP-NAMBAK',
  });

  // The api that took the change: at once.
  const form = await request(p.app).get('/feedback');
  expect(form.text).toContain('<option value="LA-LP-NAMBAK">ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງນ້ຳບາກ</option>');
  expect((await request(p.app).get('/feedback?lang=en')).text).toContain('Nambak District ODSC');
  const sent = await request(p.app)
    .post('/api/v1/feedback')
    .send({ centerCode: 'LA-LP-NAMBAK', rating: 4, text: 'ດີ' });
  expect(sent.status).toBe(202);
  expect(await telegramCenters('LA-LP', 'en')).toContain('Nambak district');

  const out = await kioskCli(['pair', '--center', 'LA-LP-NAMBAK'], p.config, () => undefined);
  const code = out; // the pairing code alone
  const paired = await request(p.app).post('/api/v1/kiosk/pair').send({ pairingCode: code });
  expect(paired.status).toBe(200);
  expect(paired.body.center).toEqual({ code: 'LA-LP-NAMBAK', name: NAMBAK.name });

  // The readers in other processes: when their copy is older than CATALOG_REFRESH_S.
  expect(p.config.catalogRefreshMs).toBe(1000);
  await waitFor(
    async () => (await pollerCache.get()).centerByCode.has('LA-LP-NAMBAK'),
    'the poller sees the new center',
    5000,
  );
  await waitFor(
    async () => (await centerOf(classifier, 'ການບໍລິການຢູ່ເມືອງນ້ຳບາກຊ້າຫຼາຍ')) === 'LA-LP-NAMBAK',
    'the classifier knows the new center',
    5000,
  );
  expect(await centerOf(classifier, 'Slow service at the Nambak office')).toBe('LA-LP-NAMBAK');
});

test('rename, move and deactivate a center: audited with before and after, served at once', async () => {
  const renamed = await patch(admin, '/api/v1/catalog/centers/LA-LP-NAMBAK', {
    name: { lo: 'ສູນບໍລິການຜ່ານປະຕູດຽວ ເມືອງນ້ຳບາກ (ໃໝ່)', en: 'Nambak ODSC (new office)' },
  });
  expect(renamed.status).toBe(200);
  expect(renamed.body.name.en).toBe('Nambak ODSC (new office)');
  expect((await request(p.app).get('/feedback?lang=en')).text).toContain(
    'Nambak ODSC (new office)',
  );

  const moved = await patch(admin, '/api/v1/catalog/centers/LA-LP-NAMBAK', { province: 'LA-OU' });
  expect(moved.body).toMatchObject({ code: 'LA-LP-NAMBAK', province: 'LA-OU' });
  expect(await telegramCenters('LA-OU', 'lo')).toContain('ເມືອງນ້ຳບາກ');
  expect(await telegramCenters('LA-LP', 'lo')).not.toContain('ເມືອງນ້ຳບາກ');

  const updates = await audits('catalog_update');
  expect(updates).toHaveLength(2);
  expect(updates[0]!.details).toEqual({
    changed: ['name'],
    before: { name: NAMBAK.name },
    after: { name: renamed.body.name },
  });
  expect(updates[1]!.details).toEqual({
    changed: ['province'],
    before: { province: 'LA-LP' },
    after: { province: 'LA-OU' },
  });
  // Changing nothing is answered and not audited.
  expect(
    (await patch(admin, '/api/v1/catalog/centers/LA-LP-NAMBAK', { province: 'LA-OU' })).status,
  ).toBe(200);
  expect(await audits('catalog_update')).toHaveLength(2);

  const off = await patch(admin, '/api/v1/catalog/centers/LA-LP-NAMBAK', { active: false });
  expect(off.body.active).toBe(false);
  expect((await request(p.app).get('/feedback')).text).not.toContain('LA-LP-NAMBAK');
  const refused = await request(p.app)
    .post('/api/v1/feedback')
    .send({ centerCode: 'LA-LP-NAMBAK', rating: 4 });
  expect(refused.status).toBe(422);
  // The admin still sees it (to switch it back on); other staff see the active catalog.
  const all = await admin.agent.get('/api/v1/catalog/all');
  expect(all.body.centers.find((c: { code: string }) => c.code === 'LA-LP-NAMBAK').active).toBe(
    false,
  );
  expect(all.body.provinces).toHaveLength(18);
  const active = await taskforce.agent.get('/api/v1/catalog');
  expect(active.body.centers.map((c: { code: string }) => c.code)).not.toContain('LA-LP-NAMBAK');
});

test('services and topics: add, rename, deactivate; the kiosk and the form follow', async () => {
  const svc = await post(admin, '/api/v1/catalog/services', {
    code: 'water_supply',
    name: { lo: 'ການສະໜອງນ້ຳປະປາ', en: 'Water supply connection' },
    ministry: 'MPWT',
  });
  expect(svc.status).toBe(201);
  expect((await request(p.app).get('/feedback')).text).toContain('ການສະໜອງນ້ຳປະປາ');
  // Topic codes belong to the intake contract: a new one is refused with the reason, a known one
  // that was lost comes back.
  const topic = await post(admin, '/api/v1/catalog/topics', {
    code: 'parking',
    name: { lo: 'ບ່ອນຈອດລົດ', en: 'Parking' },
  });
  expect(topic.status).toBe(422);
  expect(topic.body.error.details[0].message).toMatch(/a new topic needs a release/);
  await p.catalog.Topic.deleteOne({ code: 'facilities' });
  const back = await post(admin, '/api/v1/catalog/topics', {
    code: 'facilities',
    name: { lo: 'ສະຖານທີ່ ແລະ ສິ່ງອຳນວຍຄວາມສະດວກ', en: 'Facilities' },
  });
  expect(back.status).toBe(201);
  expect((await post(admin, '/api/v1/catalog/topics', back.body)).status).toBe(422); // `active` is not a field
  expect(
    (await post(admin, '/api/v1/catalog/topics', { code: 'fees', name: back.body.name })).status,
  ).toBe(409);
  expect((await patch(admin, '/api/v1/catalog/topics/fees', { active: false })).status).toBe(200);
  expect(
    (await patch(admin, '/api/v1/catalog/services/tax', { name: { lo: 'ອາກອນ', en: 'Taxes' } }))
      .body.name,
  ).toEqual({ lo: 'ອາກອນ', en: 'Taxes' });

  const out = await kioskCli(['pair', '--center', 'LA-SV'], p.config, () => undefined);
  const code = out; // the pairing code alone
  const { deviceToken } = (
    await request(p.app).post('/api/v1/kiosk/pair').send({ pairingCode: code })
  ).body;
  const cfg = await request(p.app)
    .get('/api/v1/kiosk/config')
    .set('Authorization', `Bearer ${deviceToken}`);
  const topics = cfg.body.topics.map((t: { code: string }) => t.code);
  expect(topics).toContain('facilities');
  expect(topics).not.toContain('fees');
  const services = cfg.body.services as { code: string; name: { en: string } }[];
  expect(services.find((s) => s.code === 'tax')?.name.en).toBe('Taxes');
  expect(services.map((s) => s.code)).toContain('water_supply');
  const created = (await audits('catalog_create')).map((a) => a.target);
  expect(created).toEqual(expect.arrayContaining(['service:water_supply', 'topic:facilities']));
});

test('the seed adds only what is missing and never undoes an edit; each migration runs once', async () => {
  // An admin's edits of shipped entries.
  await patch(admin, '/api/v1/catalog/centers/LA-SV', {
    name: { lo: 'ສູນບໍລິການຜ່ານປະຕູດຽວ ແຂວງສະຫວັນນະເຂດ', en: 'Savannakhet Provincial ODSC' },
  });
  await patch(admin, '/api/v1/catalog/services/import_export', { active: false });
  // A shipped entry lost (e.g. a database restored from before it shipped) comes back.
  await p.catalog.Topic.deleteOne({ code: 'documents' });
  // A topic stored before topics could be switched off (what the first migration is for).
  await p.catalog.Topic.collection.updateOne({ code: 'other' }, { $unset: { active: '' } });

  const added = await seed(p.config.mongoUrl);
  expect(added).toMatchObject({ centers: 0, services: 0, topics: 1 });
  expect(added.migrations).toEqual(MIGRATIONS.map((m) => m.id));
  expect((await seed(p.config.mongoUrl)).migrations).toEqual([]);
  await seedCatalog(p.catalog);
  expect(await runMigrations(p.conn)).toEqual([]);

  const sv = await p.catalog.Center.findOne({ code: 'LA-SV' }).lean();
  expect(sv?.name.en).toBe('Savannakhet Provincial ODSC');
  expect((await p.catalog.Service.findOne({ code: 'import_export' }).lean())?.active).toBe(false);
  expect((await p.catalog.Center.findOne({ code: 'LA-LP-NAMBAK' }).lean())?.active).toBe(false);
  expect(await p.catalog.Topic.exists({ code: 'documents' })).toBeTruthy();
  const recorded = await migrationModel(p.conn).find({}).lean();
  expect(recorded.map((m) => m._id)).toEqual(MIGRATIONS.map((m) => m.id));
  // Every topic now says whether it is active (the first migration's job).
  const topics = await p.catalog.Topic.find({}).lean();
  expect(topics.every((t) => typeof t.active === 'boolean')).toBe(true);
  expect(topics.find((t) => t.code === 'fees')?.active).toBe(false);
  expect(topics.find((t) => t.code === 'other')?.active).toBe(true);
  expect(recorded[0]!.result).toEqual({ topicsMarked: 1 });
});
