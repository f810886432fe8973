/**
 * Exit-survey kiosks: one tablet paired to one center. The device token is stored only as a hash;
 * the last heartbeat says whether the tablet is online, how much it still has to send and when it
 * last managed to.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';

export interface KioskHeartbeat {
  at: Date;
  appVersion: string;
  queued: number;
  rejected: number;
  misuse: number;
  lastSyncAt?: Date;
  online: boolean;
}

export interface KioskDeviceDoc {
  /** `kd_` + 10 random Crockford characters; the first part of the device token. */
  _id: string;
  centerCode: string;
  label?: string;
  /** sha256 of the token's secret part; absent until paired, removed when revoked. */
  tokenHash?: string;
  pairedAt?: Date;
  revokedAt?: Date;
  heartbeat?: KioskHeartbeat;
  createdAt: Date;
  updatedAt: Date;
}

const kioskDeviceSchema = new Schema<KioskDeviceDoc>(
  {
    _id: { type: String, required: true },
    centerCode: { type: String, required: true },
    label: String,
    tokenHash: String,
    pairedAt: Date,
    revokedAt: Date,
    heartbeat: {
      _id: false,
      type: {
        at: Date,
        appVersion: String,
        queued: Number,
        rejected: Number,
        misuse: Number,
        lastSyncAt: Date,
        online: Boolean,
      },
    },
  },
  { timestamps: true, versionKey: false },
);

export type KioskDeviceModel = Model<KioskDeviceDoc>;

export function kioskDeviceModel(conn: Connection): KioskDeviceModel {
  return modelOn<KioskDeviceDoc>(conn, 'KioskDevice', kioskDeviceSchema, 'kiosk_devices');
}
