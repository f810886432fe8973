/**
 * Made-up feedback as it arrives: each item becomes the document the intake worker would store
 * for it — an IntakeEnvelope, its normalised text and sealed sender, a classification, and then
 * `buildFeedback` from the store step itself (SLA due date, rating-only answers closed at once).
 *
 * The mix (demo-data.json): channels, centers weighted by how busy they are, services, kinds of
 * feedback per channel (kiosk answers are ratings, mostly without words; a few ask to be called),
 * Lao and English texts from templates, some written with Lao digits. Time: spread over the last
 * `months` months, weekdays busier than weekends, office hours for kiosks, volume growing as the
 * channels become known. Every center has a "performance" that moves its ratings and, later, how
 * fast its staff resolve complaints, so the league table has a top and a bottom.
 *
 * No personal data: senders are anonymous, or carry a sealed made-up id (`DEMO-SMS-000042`, never
 * a phone number), sealed with the configured PII key as real ids are.
 */
import type { CenterDoc, ServiceDoc } from '../../shared/models/catalog.model';
import type { Classified, FeedbackKind } from '../../shared/models/feedback.model';
import type { Channel, IntakeEnvelope } from '../../shared/intake-envelope.schema';
import type { PiiVault } from '../../shared/pii';
import type { Deadlines } from '../../shared/staff/deadlines';
import { vientianeDay } from '../../shared/staff/working-days';
import { prepareText } from '../../shared/text-normalize';
import type { TrackingCodes } from '../../shared/tracking-code';
import { TRIAGE_THRESHOLD, type Classification } from '../../workers/intake/classify.step';
import type { NormalizedSender } from '../../workers/intake/normalize.step';
import { buildFeedback, type NewFeedback } from '../../workers/intake/store.step';
import { demoData } from './demo-data';
import { DemoRandom, Weighted } from './demo-random';
import { fillTemplate, textRating, textSentiment } from './demo-texts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const LOCAL_OFFSET_MS = 7 * HOUR_MS;
/** Local hours people write in (index = hour), and the hours kiosks are used in. */
const TEXT_HOURS = [
  1, 0.5, 0.3, 0.3, 0.5, 1, 3, 6, 9, 10, 10, 9, 7, 8, 9, 9, 8, 7, 7, 8, 8, 6, 4, 2,
];
const KIOSK_HOURS = [0, 0, 0, 0, 0, 0, 0, 0, 8, 14, 15, 12, 5, 10, 13, 12, 6, 0, 0, 0, 0, 0, 0, 0];

export interface DemoFeedbackOptions {
  items: number;
  months: number;
  seed: number;
  /** The moment the demo ends at (epoch ms): nothing is received after it. */
  now: number;
}

export interface DemoFeedbackDeps {
  vault: PiiVault;
  codes: TrackingCodes;
  deadlines: Deadlines;
  centers: CenterDoc[];
  services: ServiceDoc[];
}

/** One item as stored at intake, with what the staff life needs to know about it. */
export interface IntakeDraft {
  doc: NewFeedback;
  /** The center the citizen meant (the classifier may not have found it). */
  centerCode: string;
  lang: 'lo' | 'en';
  /** The center's performance then (0 worst … 1 best). */
  perf: number;
}

export class DemoFeedback {
  readonly r: DemoRandom;
  private readonly days: string[] = [];
  private readonly anyDay: Weighted<number>;
  private readonly officeDay: Weighted<number>;
  private readonly hours: Record<'text' | 'kiosk', Weighted<number>>;
  private readonly channels = new Weighted(
    Object.entries(demoData.channels) as [Channel, number][],
  );
  private readonly languages = new Weighted(
    Object.entries(demoData.languages) as ['lo' | 'en', number][],
  );
  private readonly centers: Weighted<CenterDoc>;
  private readonly services: Weighted<ServiceDoc>;
  private readonly kioskTopics = new Weighted(Object.entries(demoData.kioskTopics));
  private readonly perfBase = new Map<string, { base: number; drift: number }>();
  private readonly seenCodes = new Set<string>();
  private readonly sealed = new Map<string, { idSealed: string; idHash: string }>();
  private readonly senderPool: number;
  private serial = 0;

  constructor(
    private readonly o: DemoFeedbackOptions,
    private readonly d: DemoFeedbackDeps,
  ) {
    this.r = new DemoRandom(o.seed);
    const cal = d.deadlines.calendar;
    const first = vientianeDay(new Date(o.now - o.months * 30.4375 * DAY_MS));
    for (
      let t = Date.parse(`${first}T00:00:00Z`), last = vientianeDay(new Date(o.now));
      ;
      t += DAY_MS
    ) {
      const day = new Date(t).toISOString().slice(0, 10);
      this.days.push(day);
      if (day >= last) break;
    }
    const n = this.days.length;
    const weight = (i: number, office: boolean) => {
      const day = this.days[i]!;
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      const working = cal.isWorkingDay(day);
      if (office && !working) return 0;
      const base = weekday === 0 ? 0.15 : weekday === 6 ? 0.3 : working ? 1 : 0.3;
      const growth = 0.55 + 0.45 * (n > 1 ? i / (n - 1) : 1);
      const monthEnd = Number(day.slice(8)) >= 25 ? 1.15 : 1;
      return base * growth * monthEnd;
    };
    this.anyDay = new Weighted(this.days.map((_, i) => [i, weight(i, false)] as const));
    this.officeDay = new Weighted(this.days.map((_, i) => [i, weight(i, true)] as const));
    this.hours = {
      text: new Weighted(TEXT_HOURS.map((w, h) => [h, w] as const)),
      kiosk: new Weighted(KIOSK_HOURS.map((w, h) => [h, w] as const)),
    };
    // Unlisted centers (added by admins) get a small share.
    this.centers = new Weighted(d.centers.map((c) => [c, demoData.centers[c.code] ?? 5] as const));
    this.services = new Weighted(
      d.services.map((s) => [s, demoData.services[s.code] ?? 1] as const),
    );
    // Each center's character does not depend on how many items are made.
    const pr = new DemoRandom(o.seed ^ 0x5eed);
    for (const c of [...d.centers].sort((a, b) => a.code.localeCompare(b.code)))
      this.perfBase.set(c.code, { base: pr.between(0.25, 0.9), drift: pr.between(-0.1, 0.25) });
    this.senderPool = Math.max(50, Math.floor(o.items / 4));
  }

  /** How the center performs at a point of the period (0: its start, 1: now). */
  perfOf(center: string, progress: number): number {
    const p = this.perfBase.get(center) ?? { base: 0.6, drift: 0 };
    return Math.min(0.97, Math.max(0.05, p.base + p.drift * (progress - 0.5)));
  }

  /** The next item. */
  next(): IntakeDraft {
    const r = this.r;
    const i = this.serial++;
    const channel = this.channels.pick(r);
    const kiosk = channel === 'kiosk';
    const { at, progress } = this.when(kiosk);
    const center = this.centers.pick(r);
    const perf = this.perfOf(center.code, progress);
    const lang: 'lo' | 'en' = kiosk ? (r.chance(0.85) ? 'lo' : 'en') : this.languages.pick(r);
    const draft = kiosk ? this.kioskItem(center, perf) : this.textItem(channel, center, perf, lang);
    const { externalId, code } = this.identity(channel, i);
    const env: IntakeEnvelope = {
      v: 1,
      channel,
      externalId,
      trackingCode: code,
      receivedAt: new Date(at).toISOString(),
      sender: { kind: draft.sender.kind, consentToContact: draft.sender.consentToContact },
      ...(draft.text ? { text: draft.text } : {}),
      ...(draft.rating ? { rating: draft.rating } : {}),
      ...(channel !== 'sms' ? { locale: lang } : {}),
      meta: draft.meta,
    };
    const norm = {
      ...(draft.text ? { text: { raw: draft.text, ...prepareText(draft.text) } } : {}),
      sender: draft.sender,
    };
    const doc = buildFeedback(env, code, norm, draft.cls, this.d.deadlines);
    return { doc, centerCode: center.code, lang, perf };
  }

  /** A receipt time: a day by weight, an hour by channel, never after `now`. */
  private when(kiosk: boolean): { at: number; progress: number } {
    const r = this.r;
    for (;;) {
      const i = (kiosk ? this.officeDay : this.anyDay).pick(r);
      const hour = this.hours[kiosk ? 'kiosk' : 'text'].pick(r);
      const at =
        Date.parse(`${this.days[i]}T00:00:00Z`) -
        LOCAL_OFFSET_MS +
        hour * HOUR_MS +
        Math.floor(r.next() * HOUR_MS);
      if (at <= this.o.now)
        return { at, progress: this.days.length > 1 ? i / (this.days.length - 1) : 1 };
    }
  }

  /** The delivery's external id in its channel's shape, and its tracking code (never one twice). */
  private identity(channel: Channel, i: number): { externalId: string; code: string } {
    for (;;) {
      const externalId =
        channel === 'sms'
          ? `SM${this.r.hex(32)}`
          : channel === 'telegram'
            ? `${this.r.int(100_000_000, 999_999_999)}:${i + 1}`
            : this.r.uuid();
      const code = this.d.codes.derive(channel, externalId);
      if (this.seenCodes.has(code)) continue;
      this.seenCodes.add(code);
      return { externalId, code };
    }
  }

  /**
   * A made-up sender: its sealed id and look-up hash, as the normalize step would store them. One
   * sealing per sender (sealing is most of the cost of an item); a real sender's every message is
   * sealed anew, which changes nothing that is read.
   */
  private sender(kind: 'phone' | 'telegram', tag: string, consent: boolean): NormalizedSender {
    const id = `DEMO-${tag}-${String(this.r.int(1, this.senderPool)).padStart(6, '0')}`;
    let sealed = this.sealed.get(id);
    if (!sealed) {
      sealed = {
        idSealed: this.d.vault.encrypt(id, kind),
        idHash: this.d.vault.hash(`${kind}:${id}`),
      };
      this.sealed.set(id, sealed);
    }
    return { kind, ...sealed, consentToContact: consent };
  }

  private kioskItem(center: CenterDoc, perf: number) {
    const r = this.r;
    const satisfied = r.chance(0.45 + 0.45 * perf);
    const rating = satisfied ? (r.chance(0.55) ? 5 : 4) : r.chance(0.6) ? 2 : 1;
    const meta: IntakeEnvelope['meta'] = { deviceId: `demo-kiosk-${center.code}`, demo: true };
    const explicit = (code: string): Classified => ({ code, confidence: 1, method: 'explicit' });
    const topics = r.chance(0.12)
      ? [...new Set([this.kioskTopics.pick(r), this.kioskTopics.pick(r)])].slice(0, r.int(1, 2))
      : [];
    const service = r.chance(0.6) ? this.services.pick(r).code : null;
    const contact = r.chance(0.03);
    let sender: NormalizedSender = { kind: 'kiosk', consentToContact: false };
    if (contact) {
      meta.contactRequested = true;
      sender = this.sender('phone', 'KIOSK', true);
    }
    const cls: Classification = {
      center: explicit(center.code),
      service: service ? explicit(service) : { code: null, confidence: 0, method: 'none' },
      topics: topics.map(explicit),
      // As the intake's rating rule and the "call me" rule decide (classify.step.ts).
      kind: contact
        ? explicit('complaint')
        : {
            code: rating <= 2 ? 'complaint' : 'praise',
            confidence: 0.7,
            method: 'rating',
          },
      sentiment: (rating - 3) / 2,
      needsTriage: contact,
    };
    return { cls, rating, sender, meta, text: undefined };
  }

  private textItem(channel: Channel, center: CenterDoc, perf: number, lang: 'lo' | 'en') {
    const r = this.r;
    // A better center gets more praise and fewer complaints.
    const kinds = new Weighted(
      Object.entries(demoData.textKinds).map(([k, w]) => {
        const f = k === 'complaint' ? 1.5 - perf : k === 'praise' ? 0.4 + perf : 1;
        return [k as FeedbackKind, w * f] as const;
      }),
    );
    const kind = kinds.pick(r);
    const t = r.one(demoData.templates[kind]!);
    const guided = channel === 'web' || (channel === 'telegram' && r.chance(0.6));
    const hasService = t[lang].includes('{service}') || (guided && r.chance(0.5));
    const service = hasService ? this.services.pick(r) : null;
    const text = fillTemplate(r, t, kind, lang, center, service);

    const kw = (code: string, lo: number, hi: number): Classified => ({
      code,
      confidence: +r.between(lo, hi).toFixed(2),
      method: 'keyword',
    });
    const explicit = (code: string): Classified => ({ code, confidence: 1, method: 'explicit' });
    const none: Classified = { code: null, confidence: 0, method: 'none' };
    const named = t[lang].includes('{place}');
    const centerCls = guided
      ? explicit(center.code)
      : named
        ? r.chance(0.1)
          ? {
              code: center.code,
              confidence: +r.between(0.5, 0.8).toFixed(2),
              method: 'fuzzy' as const,
            }
          : kw(center.code, 0.62, 0.97)
        : none;
    const serviceCls = !service
      ? none
      : guided && r.chance(0.7)
        ? explicit(service.code)
        : kw(service.code, 0.55, 0.95);
    const rated = r.chance(channel === 'web' ? 0.8 : channel === 'telegram' ? 0.4 : 0.1);
    const rating = rated ? textRating(r, kind) : undefined;
    // Words beat stars when they are clear; otherwise the rating decides (classify.step.ts).
    let kindCls = kw(kind, rated ? 0.6 : 0.45, 0.96);
    let sentiment = textSentiment(r, kind);
    if (rating && kindCls.confidence < TRIAGE_THRESHOLD) {
      const k = rating <= 2 ? 'complaint' : rating >= 4 ? 'praise' : 'other';
      kindCls = { code: k, confidence: 0.7, method: 'rating' };
      sentiment = (rating - 3) / 2;
    }
    const cls: Classification = {
      center: centerCls,
      service: serviceCls,
      topics: t.topics.map((code) => kw(code, 0.6, 0.92)),
      kind: kindCls,
      sentiment,
      needsTriage:
        centerCls.confidence < TRIAGE_THRESHOLD ||
        (serviceCls.code !== null && serviceCls.confidence < TRIAGE_THRESHOLD) ||
        kindCls.confidence < TRIAGE_THRESHOLD - 0.1,
    };
    const meta: IntakeEnvelope['meta'] = { demo: true };
    let sender: NormalizedSender = { kind: 'anonymous', consentToContact: false };
    if (channel === 'sms') {
      meta.numSegments = text.length > 70 ? 2 : 1;
      sender = this.sender('phone', 'SMS', true);
    } else if (channel === 'telegram') {
      meta.flow = guided ? 'guided' : 'free';
      if (r.chance(0.75)) sender = this.sender('telegram', 'TG', true);
    } else {
      meta.form = r.chance(0.7) ? 'html' : 'api';
      if (r.chance(0.3)) meta.source = r.one(['poster', 'facebook', 'counter-qr']);
      if (r.chance(0.3)) sender = this.sender('phone', 'WEB', true);
    }
    return { cls, rating, sender, meta, text };
  }
}
