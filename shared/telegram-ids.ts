/**
 * What a Telegram message is called on the intake queue and in the feedback collection. The Bot API
 * names a message `<chat_id>:<message_id>`, a chat id in clear; neither the job (kept in the
 * dead-letter set when it fails) nor the stored feedback may carry it, so the bot queues a
 * pseudonym instead (the intake envelope's `externalId` field, docs/architecture.md, with other
 * contents).
 */
import { randomBytes } from 'node:crypto';
import type { PiiVault } from './pii';

/**
 * A message of a chat that may be answered: a keyed hash of `<chat_id>:<message_id>`, as unique and
 * as deterministic as the pair (a redelivery is stored once) and unreadable without the hash key.
 */
export function telegramMessageRef(vault: PiiVault, chatId: number, messageId: number): string {
  return `tg.${vault.hash(`telegram-message:${chatId}:${messageId}`)}`;
}

/**
 * Anonymous feedback: a random name drawn when the citizen chooses to stay anonymous and kept only
 * in that flow's session, which ends at submission. Nothing derived from the chat id (not even with
 * the hash key) leads to it, so the feedback cannot be linked back to its chat.
 */
export function anonymousMessageRef(): string {
  return `tga.${randomBytes(16).toString('hex')}`;
}

/** True for an external id the bot already pseudonymised (stored as is). */
export function isTelegramRef(externalId: string): boolean {
  return /^tga?\.[0-9a-f]{32,64}$/.test(externalId);
}
