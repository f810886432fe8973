/** What `npm run kiosk:list` says of a tablet, from its record and last heartbeat. */
import { deviceState } from '../../scripts/kiosk-cli';
import { loadConfig } from '../../shared/config';
import type { KioskDeviceDoc } from '../../shared/models/kiosk-device.model';
import { formatPairingCode, parsePairingCode } from '../../shared/kiosk-devices';

const config = loadConfig({ KIOSK_HEARTBEAT_S: '60', DATA_DIR: '/tmp/odsc-unit-kiosk' });
const now = Date.parse('2026-11-27T10:00:00Z');
const min = 60_000;
const device = (over: Partial<KioskDeviceDoc> = {}): KioskDeviceDoc => ({
  _id: 'kd_0000000000',
  centerCode: 'LA-VT',
  tokenHash: 'ab',
  createdAt: new Date(now - 86_400_000),
  updatedAt: new Date(now),
  ...over,
});
const beat = (agoMs: number, queued: number, lastSyncAgoMs?: number) => ({
  at: new Date(now - agoMs),
  appVersion: 'v1',
  queued,
  rejected: 0,
  misuse: 0,
  online: true,
  ...(lastSyncAgoMs !== undefined ? { lastSyncAt: new Date(now - lastSyncAgoMs) } : {}),
});

test('online, offline, stuck, revoked, not paired', () => {
  expect(deviceState(device({ tokenHash: undefined }), config, now)).toBe('not paired');
  expect(deviceState(device({ revokedAt: new Date(now) }), config, now)).toBe('revoked');
  expect(deviceState(device(), config, now)).toBe('paired, never reported');
  expect(deviceState(device({ heartbeat: beat(30_000, 0, 5 * min) }), config, now)).toBe('online');
  // Three missed heartbeats (and a minute of grace): offline.
  expect(deviceState(device({ heartbeat: beat(5 * min, 0, 5 * min) }), config, now)).toBe(
    'offline',
  );
  // Reporting, but answers queued and nothing sent for 15 minutes: stuck.
  expect(deviceState(device({ heartbeat: beat(30_000, 12, 20 * min) }), config, now)).toBe(
    'stuck (responses not sent)',
  );
  expect(deviceState(device({ heartbeat: beat(30_000, 12) }), config, now)).toBe(
    'stuck (responses not sent)',
  );
  expect(deviceState(device({ heartbeat: beat(30_000, 12, 2 * min) }), config, now)).toBe('online');
});

test('pairing codes are read the way people type them', () => {
  // 12 characters (60 bits), shown as XXXX-XXXX-XXXX.
  expect(parsePairingCode('ab12-cd34-ef56')).toBe('AB12CD34EF56');
  expect(parsePairingCode('AB໑໒ CD໓໔ EF໕໖')).toBe('AB12CD34EF56');
  expect(parsePairingCode('ABIO-CDL4-EF56')).toBe('AB10CD14EF56');
  expect(parsePairingCode('AB12-CD34')).toBeNull(); // the old 8-character length
  expect(parsePairingCode('AB12-CD34-EF5')).toBeNull();
  expect(parsePairingCode('AB12-CDU4-EF56')).toBeNull(); // U is not Crockford
  expect(formatPairingCode('AB12CD34EF56')).toBe('AB12-CD34-EF56');
});
