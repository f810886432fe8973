/**
 * The kiosk's server side: devices and one-time pairing codes (and the CLI that makes them), the
 * bearer token, idempotent batches with duplicate and malformed items, heartbeats, the app's
 * files — through the real queue, worker and database.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import request from 'supertest';
import { auditModel } from '../shared/models/audit.model';
import { kioskCli, UsageError } from '../scripts/kiosk-cli';
import { kioskAssets } from '../services/api/kiosk/kiosk-assets';
import { KioskDevices, parsePairingCode } from '../shared/kiosk-devices';
import { kioskDeviceModel, type KioskDeviceModel } from '../shared/models/kiosk-device.model';
import { rollupModel } from '../shared/models/rollup.model';
import { startTestPlatform, waitFor, type TestPlatform } from './helpers/platform';

let p: TestPlatform;
let Device: KioskDeviceModel;
let devices: KioskDevices;

beforeAll(async () => {
  p = await startTestPlatform('kioskapi', { worker: true });
  Device = kioskDeviceModel(p.conn);
  devices = new KioskDevices(Device, p.redis, p.config.queuePrefix, 3600);
});
afterAll(async () => {
  await p.close();
});

/** A paired device's token, for a center. */
async function paired(center = 'LA-LP'): Promise<{ token: string; deviceId: string }> {
  const { deviceId, code } = await devices.create(center);
  const res = await request(p.app).post('/api/v1/kiosk/pair').send({ pairingCode: code });
  expect(res.status).toBe(200);
  return { token: res.body.deviceToken, deviceId };
}

// Presses at least the tablet's gap apart (KIOSK_MIN_GAP_MS), within minutes of the sync: what
// a real tablet sends, so the server's misuse and backdating rules count them all.
let press = 0;
const item = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  rating: 4,
  createdAt: new Date(Date.now() - (press++ % 100) * 5000).toISOString(),
  ...over,
});

const send = (token: string, responses: unknown) =>
  request(p.app)
    .post('/api/v1/kiosk/responses')
    .set('Authorization', `Bearer ${token}`)
    .send({ responses });

const stored = (id: string) =>
  waitFor(
    () => p.Feedback.findOne({ channel: 'kiosk', externalId: id }).lean(),
    `kiosk response ${id} stored`,
  );

test('kiosk:pair makes a device and a one-time code; the code gives a token once; kiosk:list and kiosk:revoke', async () => {
  // The code alone is the output (stdout); the device id and the instructions are notes (stderr).
  const notes: string[] = [];
  const shown = await kioskCli(
    ['pair', '--center', 'la-ch', '--label', 'Pakse door'],
    p.config,
    (line) => notes.push(line),
  );
  expect(shown).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const deviceId = /Kiosk (kd_[0-9A-Z]{10}) created for LA-CH/.exec(notes.join('\n'))![1]!;
  expect(notes.join('\n')).toMatch(/enter it within \d+ hours/);
  await expect(kioskCli(['pair', '--center', 'LA-XX'], p.config)).rejects.toThrow(UsageError);
  await expect(kioskCli(['pair'], p.config)).rejects.toThrow(/--center/);

  // Typed on the tablet in lower case, without the dash, with Lao digits: the same code.
  const typed = shown
    .replace(/-/g, '')
    .toLowerCase()
    .replace(/[0-9]/g, (d) => String.fromCharCode(0x0ed0 + Number(d)));
  expect(parsePairingCode(typed)).toBe(shown.replace(/-/g, ''));
  const res = await request(p.app).post('/api/v1/kiosk/pair').send({ pairingCode: typed });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ deviceId, center: { code: 'LA-CH' }, centerCode: 'LA-CH' });
  expect(res.body.center.name.lo).toContain('ຈຳປາສັກ');
  const token: string = res.body.deviceToken;
  // Only a hash of the token is stored.
  const doc = await Device.findById(deviceId).lean();
  expect(JSON.stringify(doc)).not.toContain(token.split('.')[1]);

  const again = await request(p.app).post('/api/v1/kiosk/pair').send({ pairingCode: shown });
  expect(again.status).toBe(400);
  expect(again.body.error.code).toBe('PAIRING_CODE_INVALID');
  expect((await request(p.app).post('/api/v1/kiosk/pair').send({})).status).toBe(422);

  const cfg = await request(p.app)
    .get('/api/v1/kiosk/config')
    .set('Authorization', `Bearer ${token}`);
  expect(cfg.status).toBe(200);
  expect(cfg.body.center.code).toBe('LA-CH');
  expect(cfg.body.topics.map((t: { code: string }) => t.code)).toContain('waiting_time');
  expect(cfg.body.services.length).toBeGreaterThan(10);
  expect(cfg.body.settings).toMatchObject({ minGapMs: 4000, thanksMs: 5000 });

  expect(await kioskCli(['list'], p.config)).toMatch(
    new RegExp(`${deviceId}\\s+LA-CH\\s+Pakse door\\s+paired, never reported`),
  );
  const hb = await request(p.app)
    .post('/api/v1/kiosk/heartbeat')
    .set('Authorization', `Bearer ${token}`)
    .send({
      appVersion: 'abc123',
      queued: 3,
      rejected: 1,
      misuse: 2,
      lastSyncAt: new Date().toISOString(),
    });
  expect(hb.status).toBe(204);
  expect((await Device.findById(deviceId).lean())?.heartbeat).toMatchObject({
    appVersion: 'abc123',
    queued: 3,
    misuse: 2,
    online: true,
  });
  // device, center, label, state, heartbeat, queued, rejected, last sync, misuse, app
  expect(await kioskCli(['list'], p.config)).toMatch(
    new RegExp(
      `${deviceId}\\s+LA-CH\\s+Pakse door\\s+online\\s+\\d+s ago\\s+3\\s+1\\s+\\d+s ago\\s+2\\s+abc123`,
    ),
  );

  expect(await kioskCli(['revoke', '--device', deviceId], p.config)).toContain('revoked');
  const after = await send(token, [item()]);
  expect(after.status).toBe(401);
  expect(after.body.error.code).toBe('KIOSK_NOT_PAIRED');
  expect(await kioskCli(['list'], p.config)).toMatch(new RegExp(`${deviceId}.*revoked`));
  // A new code for the same device pairs it again, with a new token.
  const renewedNotes: string[] = [];
  const code2 = await kioskCli(['pair', '--device', deviceId], p.config, (line) =>
    renewedNotes.push(line),
  );
  expect(code2).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  expect(renewedNotes.join('\n')).toContain(deviceId);
  const re = await request(p.app).post('/api/v1/kiosk/pair').send({ pairingCode: code2 });
  expect(re.body.deviceId).toBe(deviceId);
  expect((await send(re.body.deviceToken, [item()])).status).toBe(200);
  // Every device change is in the audit log.
  const log = await auditModel(p.conn).find({ target: deviceId }).sort({ _id: 1 }).lean();
  expect(log.map((e) => e.action)).toEqual(['device_pair', 'device_revoke', 'device_pair']);
  expect(log[0]).toMatchObject({ actorId: null, details: { via: 'cli', center: 'LA-CH' } });
});

test('a pairing code survives a database failure during the exchange', async () => {
  const { code } = await devices.create('LA-LP');
  // A connection to a port where no database listens: every write fails.
  const dead = mongoose.createConnection('mongodb://127.0.0.1:1/none', {
    bufferCommands: false,
    serverSelectionTimeoutMS: 300,
  });
  dead.on('error', () => undefined);
  const broken = new KioskDevices(kioskDeviceModel(dead), p.redis, p.config.queuePrefix, 3600);
  await expect(broken.pair(code)).rejects.toThrow();
  const res = await request(p.app).post('/api/v1/kiosk/pair').send({ pairingCode: code });
  expect(res.status).toBe(200);
  await dead.close().catch(() => undefined);
});

test('unknown, malformed and missing tokens get 401 and store nothing', async () => {
  for (const auth of [undefined, 'Bearer nonsense', `Bearer kd_0000000000.${'a'.repeat(43)}`]) {
    const req = request(p.app).post('/api/v1/kiosk/responses');
    if (auth) req.set('Authorization', auth);
    const res = await req.send({ responses: [item()] });
    expect(res.status).toBe(401);
  }
  const { token } = await paired();
  const other = `${token.split('.')[0]}.${'b'.repeat(43)}`;
  expect((await send(other, [item()])).status).toBe(401);
});

test('a field this api does not know is refused with retry (a newer app mid roll-out); any other fault is not', async () => {
  const { token } = await paired('LA-LP');
  const batch = [
    { ...item(), mood: 'calm' }, // only an unknown field
    { ...item(), contact: { phone: '020 5555 1234', consent: true, channel: 'sms' } }, // nested
    { ...item(), mood: 'calm', rating: 3 }, // unknown field and a wrong rating
    { ...item(), rating: 3 }, // a wrong rating alone
  ];
  const res = await send(token, batch);
  expect(res.status).toBe(200);
  expect(res.body.accepted).toEqual([]);
  expect(
    res.body.rejected.map((r: { index: number; retry?: boolean }) => [r.index, r.retry]),
  ).toEqual([
    [0, true],
    [1, true],
    [2, undefined],
    [3, undefined],
  ]);
  expect(res.body.rejected[0].errors[0].message).toContain('mood');
});

test("the contract's field names (topicCodes, serviceCode, consentToContact) are read like the app's", async () => {
  const { token } = await paired('LA-OU');
  const a = {
    ...item({ rating: 2 }),
    topicCodes: ['waiting_time'],
    serviceCode: 'land_registration',
    contact: { phone: '020 5555 6611', consentToContact: true },
  };
  const both = { ...item(), topics: ['fees'], topicCodes: ['fees'] }; // both names: refused
  const res = await send(token, [a, both]);
  expect(res.status).toBe(200);
  expect(res.body.accepted).toEqual([a.id]);
  expect(res.body.rejected).toHaveLength(1);
  expect(res.body.rejected[0]).toMatchObject({
    id: both.id,
    error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('topicCodes') },
  });
  const doc = await stored(a.id as string);
  expect(doc.service).toMatchObject({ code: 'land_registration', method: 'explicit' });
  expect(doc.topics.map((t) => t.code)).toContain('waiting_time');
  expect(doc).toMatchObject({
    sender: { kind: 'phone', consentToContact: true },
    meta: { contactRequested: true },
  });
  expect(p.vault.decrypt(doc.sender.idSealed!)).toBe('+8562055556611');
});

test('a batch with duplicates and malformed items: the good ones stored once, the bad ones reported', async () => {
  const { token, deviceId } = await paired('LA-LP');
  const good = [
    item({ rating: 1, topics: ['waiting_time', 'staff_conduct'], service: 'land_registration' }),
    item({ rating: 5, service: 'family_book' }),
    item({ rating: 2, contact: { phone: '໐໒໐ ໕໕໕໕ ໑໒໓໔', consent: true } }),
  ];
  const batch = [
    good[0],
    { id: 'not-a-uuid', rating: 4, createdAt: new Date().toISOString() },
    good[1],
    { ...item(), rating: 3 }, // the kiosk has no middle smiley
    good[0], // twice in one batch
    { ...item(), contact: { phone: '020 5555 1234' } }, // no consent
    item({ service: 'no_such_service' }),
    'garbage',
    good[2],
  ];
  const res = await send(token, batch);
  expect(res.status).toBe(200);
  const unknownService = (batch[6] as { id: string }).id;
  expect(res.body.accepted.sort()).toEqual(
    [good[0]!.id, good[1]!.id, good[2]!.id, unknownService].sort(),
  );
  expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 3, 5, 7]);
  expect(res.body.rejected[0]).toMatchObject({ id: 'not-a-uuid', errors: [{ field: 'id' }] });
  expect(res.body.rejected[2].errors[0].field).toBe('contact.consent');
  expect(res.body.rejected[3].id).toBeNull();
  expect(res.body.warnings).toEqual([
    { id: unknownService, message: 'unknown service no_such_service: stored without it' },
  ]);

  const low = await stored(good[0]!.id as string);
  expect(low).toMatchObject({
    channel: 'kiosk',
    rating: 1,
    center: { code: 'LA-LP', method: 'explicit' },
    service: { code: 'land_registration', method: 'explicit' },
    kind: { code: 'complaint' },
    sender: { kind: 'kiosk', consentToContact: false },
    meta: { deviceId },
  });
  expect(low.topics.map((t) => t.code).sort()).toEqual(['staff_conduct', 'waiting_time']);
  const praise = await stored(good[1]!.id as string);
  expect(praise.kind.code).toBe('praise');
  // "Contact me" makes even a mild answer a complaint for the taskforce, with the number sealed.
  const contact = await stored(good[2]!.id as string);
  expect(contact).toMatchObject({
    kind: { code: 'complaint', method: 'explicit' },
    needsTriage: true,
    sender: { kind: 'phone', consentToContact: true },
    meta: { contactRequested: true },
  });
  expect(p.vault.decrypt(contact.sender.idSealed!)).toBe('+8562055551234');
  expect(contact.slaDueAt).toBeDefined();
  expect((await stored(unknownService)).service.code).toBeNull();

  // The same batch again (the kiosk never heard the answer): accepted again, stored once.
  const again = await send(token, batch);
  expect(again.body.accepted.sort()).toEqual(res.body.accepted.sort());
  await waitFor(
    async () => (await p.queue.getJobCountByTypes('waiting', 'active', 'delayed')) === 0,
    'queue drained',
  );
  expect(await p.Feedback.countDocuments({ channel: 'kiosk', 'meta.deviceId': deviceId })).toBe(4);
  // Counted in the same rollups as every channel.
  for (const id of res.body.accepted as string[]) await p.counted(p.codes.derive('kiosk', id));
  const rollups = await rollupModel(p.conn)
    .find({ day: low.day, channel: 'kiosk', centerCode: 'LA-LP' })
    .lean();
  expect(rollups.reduce((n, r) => n + r.count, 0)).toBe(4);
});

test('hand-written UUID-shaped ids are taken and echoed as sent; ids differing in case are one response', async () => {
  const { token, deviceId } = await paired('LA-LP');
  const ones = '11111111-1111-1111-1111-111111111111'; // no RFC 4122 version or variant
  const upper = 'ABCDEF01-2345-6789-ABCD-EF0123456789';
  const batch = [
    item({ id: ones }),
    item({ id: upper }),
    item({ id: upper.toLowerCase() }), // the same response, in another case: once is enough
    item({ id: upper, service: 'no_such_service' }),
    item({ id: '11111111-1111-1111-1111-11111111111' }), // one digit short
    item({ id: 'ZZZZZZZZ-1111-1111-1111-111111111111' }), // not hex
  ];
  const res = await send(token, batch);
  expect(res.status).toBe(200);
  // Exactly as sent (not lower-cased), each once.
  expect(res.body.accepted).toEqual([ones, upper]);
  expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([4, 5]);
  // Stored under the lower-case id, once.
  await stored(ones);
  expect((await stored(upper.toLowerCase())).meta.deviceId).toBe(deviceId);
  // Sent again in the other case: accepted again, echoed in that case, still stored once.
  const again = await send(token, [item({ id: upper.toLowerCase() })]);
  expect(again.body.accepted).toEqual([upper.toLowerCase()]);
  await waitFor(
    async () => (await p.queue.getJobCountByTypes('waiting', 'active', 'delayed')) === 0,
    'queue drained',
  );
  expect(await p.Feedback.countDocuments({ channel: 'kiosk', 'meta.deviceId': deviceId })).toBe(2);
});

test('bad requests: not an array, too many items, wrong content type', async () => {
  const { token } = await paired();
  expect((await send(token, 'nope')).status).toBe(422);
  const many = Array.from({ length: 101 }, () => item());
  const tooMany = await send(token, many);
  expect(tooMany.status).toBe(422);
  expect(tooMany.body.error.details[0].message).toMatch(/at most 100/);
  const form = await request(p.app)
    .post('/api/v1/kiosk/responses')
    .set('Authorization', `Bearer ${token}`)
    .type('form')
    .send('responses=1');
  expect(form.status).toBe(415);
  const hb = await request(p.app)
    .post('/api/v1/kiosk/heartbeat')
    .set('Authorization', `Bearer ${token}`)
    .send({ queued: -1 });
  expect(hb.status).toBe(422);
});

test('a device clock far off: the server time is used and the device time kept', async () => {
  const { token } = await paired();
  const skewed = item({ createdAt: '2019-01-01T08:00:00+07:00' });
  await send(token, [skewed]);
  const doc = await stored(skewed.id as string);
  expect(doc.meta.deviceTime).toBe('2019-01-01T08:00:00+07:00');
  expect(Date.now() - new Date(doc.receivedAt).getTime()).toBeLessThan(60_000);
});

test('the app is served by the platform itself: page, worker, manifest with icons, Lao font', async () => {
  const page = await request(p.app).get('/kiosk/');
  expect(page.status).toBe(200);
  // The contract's address without the slash is the same page.
  const bare = await request(p.app).get('/kiosk');
  expect(bare.status).toBe(200);
  expect(bare.text).toBe(page.text);
  expect(page.text).toContain('ການມາຮັບບໍລິການມື້ນີ້ ເປັນແນວໃດ?');
  expect(page.text).toContain(kioskAssets().version);
  expect(page.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // no CDN
  const sw = await request(p.app).get('/kiosk/sw.js');
  expect(sw.headers['content-type']).toMatch(/javascript/);
  expect(sw.text).toContain(`odsc-kiosk-\${VERSION}`);
  const manifest = await request(p.app).get('/kiosk/manifest.webmanifest');
  expect(manifest.headers['content-type']).toMatch(/manifest\+json/);
  const m = JSON.parse(manifest.text);
  expect(m).toMatchObject({ start_url: '/kiosk/', display: 'fullscreen' });
  for (const icon of m.icons) {
    const png = await request(p.app).get(icon.src).buffer(true);
    expect(png.status).toBe(200);
    expect(png.body.subarray(1, 4).toString()).toBe('PNG');
    expect(png.body.readUInt32BE(16)).toBe(Number(icon.sizes.split('x')[0]));
  }
  const font = await request(p.app).get('/kiosk/fonts/noto-sans-lao-lao-400-normal.woff2');
  expect(font.status).toBe(200);
  expect(font.headers['content-type']).toBe('font/woff2');
  expect((await request(p.app).get('/kiosk/../package.json')).status).toBe(404);
  expect((await request(p.app).get('/kiosk/nope.js')).status).toBe(404);
});
