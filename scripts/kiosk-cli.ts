/**
 * Kiosk devices from the command line (until the dashboard does it):
 *   npm run kiosk:pair -- --center <code> [--label "<where>"]   a new device and its pairing code
 *   npm run kiosk:pair -- --device <id>                          a new code for an existing device
 *     (the code alone on stdout; the device id and instructions on stderr)
 *   npm run kiosk:revoke -- --device <id>                        its token gets 401 from now on
 *   npm run kiosk:list                                           every device and how it is doing
 * A pairing code works once and expires after KIOSK_PAIRING_TTL_H hours.
 */
import { loadConfig, type Config } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { formatPairingCode, KioskDevices } from '../shared/kiosk-devices';
import { catalogModels } from '../shared/models/catalog.model';
import { kioskDeviceModel, type KioskDeviceDoc } from '../shared/models/kiosk-device.model';
import { redisConnection } from '../shared/queues';
import { auditModel } from '../shared/models/audit.model';
import { AuditLog } from '../shared/staff/audit-log';

export class UsageError extends Error {}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (!v || v.startsWith('--')) throw new UsageError(`--${name} needs a value`);
  return v;
}

/** What staff need to know about a tablet, in one word. */
export function deviceState(d: KioskDeviceDoc, config: Config, now = Date.now()): string {
  if (d.revokedAt) return 'revoked';
  if (!d.tokenHash) return 'not paired';
  const h = d.heartbeat;
  if (!h) return 'paired, never reported';
  const silentMs = now - new Date(h.at).getTime();
  if (silentMs > 3 * config.kiosk.heartbeatS * 1000 + 60_000) return 'offline';
  const lastSync = h.lastSyncAt ? new Date(h.lastSyncAt).getTime() : 0;
  if (h.queued > 0 && now - lastSync > 15 * 60_000) return 'stuck (responses not sent)';
  return 'online';
}

const ago = (d: Date | undefined, now: number) => {
  if (!d) return '—';
  const s = Math.round((now - new Date(d).getTime()) / 1000);
  return s < 120
    ? `${s}s ago`
    : s < 7200
      ? `${Math.round(s / 60)}m ago`
      : `${Math.round(s / 3600)}h ago`;
};

/**
 * Runs one command and returns what goes to stdout. `kiosk:pair` returns the pairing code alone
 * (so `code=$(npm run --silent kiosk:pair -- --center …)` works); what it explains (the device id,
 * the center, how to use the code) goes to `note`, stderr by default.
 */
export async function kioskCli(
  argv: string[],
  config = loadConfig(),
  note: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<string> {
  const [cmd, ...args] = argv;
  const conn = await connectMongo(config.mongoUrl);
  const redis = redisConnection(config.redisUrl, 'producer');
  redis.on('error', () => undefined);
  const Device = kioskDeviceModel(conn);
  const devices = new KioskDevices(Device, redis, config.queuePrefix, config.kiosk.pairingTtlS);
  const hours = Math.round(config.kiosk.pairingTtlS / 3600);
  // Device changes are in the audit log like every other change (the CLI has no signed-in actor).
  const audit = new AuditLog(auditModel(conn));
  const cli = (action: 'device_pair' | 'device_revoke', target: string, details: object) =>
    audit.record({ actor: null, action, target, details: { via: 'cli', ...details } });
  try {
    if (redis.status !== 'ready')
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`Redis is not reachable at ${config.redisUrl}`)),
          5000,
        );
        redis.once('ready', () => {
          clearTimeout(t);
          resolve();
        });
      });
    switch (cmd) {
      case 'pair': {
        const deviceId = flag(args, 'device');
        if (deviceId) {
          const d = await Device.findById(deviceId).lean();
          if (!d) throw new UsageError(`no kiosk device ${deviceId} (npm run kiosk:list)`);
          const code = await devices.issueCode(deviceId);
          await cli('device_pair', deviceId, { center: d.centerCode, newCode: true });
          note(`New pairing code for ${deviceId} (${d.centerCode}):`);
          note(`Open /kiosk/ on the tablet and enter it within ${hours} hours; it works once.`);
          return formatPairingCode(code);
        }
        const center = flag(args, 'center')?.toUpperCase();
        if (!center)
          throw new UsageError('usage: npm run kiosk:pair -- --center <code> [--label "<where>"]');
        const known = await catalogModels(conn)
          .Center.findOne({ code: center, active: true })
          .lean();
        if (!known) throw new UsageError(`no active center ${center} in the catalog`);
        const { deviceId: id, code } = await devices.create(center, flag(args, 'label'));
        await cli('device_pair', id, { center });
        note(`Kiosk ${id} created for ${center} (${known.name.en}). Its pairing code:`);
        note(`Open /kiosk/ on the tablet and enter it within ${hours} hours; it works once.`);
        return formatPairingCode(code);
      }
      case 'revoke': {
        const deviceId = flag(args, 'device');
        if (!deviceId) throw new UsageError('usage: npm run kiosk:revoke -- --device <id>');
        if (!(await devices.revoke(deviceId))) throw new UsageError(`no kiosk device ${deviceId}`);
        await cli('device_revoke', deviceId, {});
        return `Kiosk ${deviceId} revoked: it asks to be paired again and keeps its unsent responses.`;
      }
      case 'list': {
        const now = Date.now();
        const all = await Device.find({}).lean<KioskDeviceDoc[]>();
        if (!all.length) return 'No kiosk devices yet (npm run kiosk:pair -- --center <code>).';
        all.sort((a, b) => a.centerCode.localeCompare(b.centerCode) || a._id.localeCompare(b._id));
        const rows = all.map((d) => [
          d._id,
          d.centerCode,
          d.label ?? '',
          deviceState(d, config, now),
          ago(d.heartbeat?.at, now),
          String(d.heartbeat?.queued ?? '—'),
          String(d.heartbeat?.rejected ?? '—'),
          ago(d.heartbeat?.lastSyncAt, now),
          String(d.heartbeat?.misuse ?? '—'),
          d.heartbeat?.appVersion ?? '—',
        ]);
        const head = [
          'device',
          'center',
          'label',
          'state',
          'heartbeat',
          'queued',
          'rejected',
          'last sync',
          'misuse',
          'app',
        ];
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
        const line = (r: string[]) =>
          r
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd();
        return [line(head), ...rows.map(line)].join('\n');
      }
      default:
        throw new UsageError(
          'usage: kiosk-cli pair|revoke|list (see npm run kiosk:pair / kiosk:revoke / kiosk:list)',
        );
    }
  } finally {
    redis.disconnect();
    await conn.close();
  }
}

if (require.main === module) {
  kioskCli(process.argv.slice(2)).then(
    (out) => console.log(out),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
