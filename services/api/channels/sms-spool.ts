/**
 * What the SMS webhook accepted while Redis or MongoDB could not take it, kept on the local disk
 * (services/api/spool.ts) and handed on when they are back:
 * - `envelope`: a feedback SMS → the intake queue, with the job id it would have had (so one that
 *   was also queued, or is handed on twice, is stored once);
 * - `contact`: STOP / START / language keywords → `sms_contacts`, applied only over an older value
 *   (a keyword sent later, and already applied, wins).
 * The drain runs while the spool has entries (every SMS_SPOOL_RETRY_MS), after each SMS the queue
 * took, and at start-up for entries a previous process left.
 */
import type { IntakeEnvelope } from '../../../shared/intake-envelope.schema';
import type { Logger } from '../../../shared/logger';
import type { SmsContactModel } from '../../../shared/models/sms-contact.model';
import type { IntakeProducer } from '../intake-producer';
import { Spool, type SpoolEntry } from '../spool';

export interface ContactChange {
  phoneHash: string;
  set: { optedOut?: boolean; lang?: 'lo' | 'en' };
  at: string;
}

export class SmsSpool {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** Entries written by this process and not yet handed on (0 also when unknown). */
  private pending = 0;

  constructor(
    readonly spool: Spool,
    private readonly deps: {
      producer: IntakeProducer;
      SmsContact: SmsContactModel;
      log: Logger;
      retryMs: number;
    },
  ) {
    // Left over by a process that stopped before handing them on.
    void spool.size().then((n) => {
      if (n > 0) {
        deps.log.warn('sms spool has entries from before this start; handing them on', {
          entries: n,
        });
        this.pending = n;
        this.schedule();
      }
    });
  }

  async putEnvelope(env: IntakeEnvelope): Promise<void> {
    await this.spool.put('envelope', env);
    this.afterPut();
  }

  async putContact(change: ContactChange): Promise<void> {
    await this.spool.put('contact', change);
    this.afterPut();
  }

  /** A chance to hand on what waits (called after the queue took an SMS: it is back). */
  kick(): void {
    if (this.pending > 0 && !this.running) void this.drain();
  }

  /** One round: hands on every entry it can; stops at the first that fails. */
  drain(): Promise<number> {
    this.running ??= this.spool
      .drain(
        (entry) => this.handOn(entry),
        (err, entry) =>
          this.deps.log.warn('sms spool: not handed on yet, will retry', {
            kind: entry?.kind,
            error: err.message,
          }),
      )
      .then(async (n) => {
        if (n) this.deps.log.info('sms spool: handed on', { entries: n });
        this.pending = await this.spool.size();
        return n;
      })
      .finally(() => {
        this.running = null;
        if (this.pending > 0) this.schedule();
        else this.stop();
      });
    return this.running;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private afterPut(): void {
    this.pending++;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, this.deps.retryMs);
    this.timer.unref();
  }

  private async handOn(entry: SpoolEntry<unknown>): Promise<void> {
    if (entry.kind === 'envelope') {
      await this.deps.producer.enqueue(entry.data as IntakeEnvelope);
      return;
    }
    if (entry.kind === 'contact') {
      const c = entry.data as ContactChange;
      const at = new Date(c.at);
      const now = await this.deps.SmsContact.findById(c.phoneHash, { updatedAt: 1 }).lean();
      if (now && now.updatedAt >= at) return; // a later keyword was applied already
      await this.deps.SmsContact.updateOne(
        { _id: c.phoneHash },
        { $set: { ...c.set, updatedAt: at } },
        { upsert: true },
      );
      return;
    }
    this.deps.log.error('sms spool: unknown entry kind, kept aside', { kind: entry.kind });
    throw new Error(`unknown spool entry kind ${entry.kind}`);
  }
}
