/**
 * Conversation state per chat, in Redis with a TTL: any bot process (a restarted poller, another
 * api replica behind the webhook) continues a conversation where the last one left it.
 */
import { randomBytes } from 'node:crypto';
import type IORedis from 'ioredis';
import { telegramSessionKey } from '../../shared/telegram-keys';
import type { Lang } from './strings';

export const STEPS = [
  'lang',
  'province',
  'center',
  'service',
  'rating',
  'comment',
  'contact',
  'phone',
  'confirm',
] as const;
export type Step = (typeof STEPS)[number];

export interface Flow {
  /** Short random id carried in every button of this flow; buttons of older flows are stale. */
  id: string;
  step: Step;
  /** After the language step: start the guided flow, or stop (/language). */
  then: 'flow' | 'none';
  /** The message that opened the flow: with the chat id, the feedback's externalId. */
  openedBy: number;
  /** The bot message that shows the current step (edited in place). */
  messageId?: number;
  province?: string;
  center?: string;
  /** True when the province has one center and the center step was skipped. */
  centerAuto?: boolean;
  service?: string;
  rating?: number;
  comment?: string;
  contact?: 'chat' | 'phone' | 'anonymous';
  phoneSealed?: string;
  /** Anonymous feedback's random external id, drawn once per flow (shared/telegram-ids.ts). */
  anonRef?: string;
}

export interface TgSession {
  lang?: Lang;
  /** The chat record (language, unreachable mark) was read from the database. */
  synced?: boolean;
  flow?: Flow;
}

export function newFlowId(): string {
  return randomBytes(3).toString('hex');
}

export class SessionStore {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
    private readonly ttlS: number,
  ) {}

  async get(chatHash: string): Promise<TgSession | null> {
    const raw = await this.redis.get(telegramSessionKey(this.prefix, chatHash));
    if (!raw) return null;
    try {
      return JSON.parse(raw) as TgSession;
    } catch {
      return null;
    }
  }

  async save(chatHash: string, s: TgSession): Promise<void> {
    await this.redis.set(
      telegramSessionKey(this.prefix, chatHash),
      JSON.stringify(s),
      'EX',
      this.ttlS,
    );
  }
}
