/**
 * Redis keys of the Telegram bot, shared by the bot (services/telegram) and the notify worker.
 * Chats are named by the keyed hash of their id (PiiVault.hash('telegram:<id>')), never the id.
 */

/** The chat's conversation state (language, guided-flow step), kept with a TTL. */
export const telegramSessionKey = (prefix: string, chatHash: string) =>
  `${prefix}:tg:session:${chatHash}`;

/** Marks an update as handled, so a redelivered update is neither stored nor answered twice. */
export const telegramUpdateKey = (prefix: string, updateId: number) =>
  `${prefix}:tg:update:${updateId}`;

/** Which chat a queued tracking code came from, until the worker has stored it. */
export const telegramOwnerKey = (prefix: string, code: string) => `${prefix}:tg:owner:${code}`;
