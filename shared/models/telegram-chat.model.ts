/**
 * What we know of a Telegram chat beyond one conversation: the language it chose and whether it
 * blocked the bot (the Bot API answered 403, so nothing is sent to it until it writes again).
 * Keyed by the keyed hash of the chat id, so no chat id is stored here in any form.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/mongo';

export interface TelegramChatDoc {
  /** PiiVault.hash('telegram:<chat id>'), the same value as a feedback's sender.idHash. */
  _id: string;
  lang?: 'lo' | 'en';
  unreachable: boolean;
  unreachableAt?: Date;
  updatedAt: Date;
}

const telegramChatSchema = new Schema<TelegramChatDoc>(
  {
    _id: { type: String, required: true },
    lang: { type: String, enum: ['lo', 'en'] },
    unreachable: { type: Boolean, default: false },
    unreachableAt: Date,
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type TelegramChatModel = Model<TelegramChatDoc>;

export function telegramChatModel(conn: Connection): TelegramChatModel {
  return modelOn<TelegramChatDoc>(conn, 'TelegramChat', telegramChatSchema, 'telegram_chats');
}
