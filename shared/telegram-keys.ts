/**
 * Redis keys of the Telegram bot, shared by the bot (services/telegram) and the notify worker.
 * Chats are named by the keyed hash of their id (PiiVault.hash('telegram:<id>')), never the id.
 */

/** The chat's conversation state (language, guided-flow step), kept with a TTL. */
export const telegramSessionKey = (prefix: string, chatHash: string) =>
  `${prefix}:tg:session:${chatHash}`;

/**
 * Marks an update as handled, so a redelivered update is neither stored nor answered twice.
 * Update ids are per bot (and restart at a random number after a quiet week), so the bot's id —
 * the part of its token before the colon — is part of the key.
 */
export const telegramUpdateKey = (prefix: string, botToken: string, updateId: number) =>
  `${prefix}:tg:update:${botToken.split(':')[0]}:${updateId}`;

/** Which chat a queued tracking code came from, until the worker has stored it. */
export const telegramOwnerKey = (prefix: string, code: string) => `${prefix}:tg:owner:${code}`;

/** The feedback a chat's recent free text went to: the next message within the window joins it. */
export const telegramThreadKey = (prefix: string, chatHash: string) =>
  `${prefix}:tg:thread:${chatHash}`;
