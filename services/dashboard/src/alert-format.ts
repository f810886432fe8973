/**
 * How alerts, rules and tablets read on screen, kept pure so they are tested by value
 * (alert-format.test.ts): an alert's figure against its threshold in words (shares as %, silence
 * in hours), a rule's parameters as a sentence, numbers typed in Lao or Western digits, the API's
 * 422 messages per field in the screen's units, and the order tablets are listed in.
 */
import { t } from './i18n';
import { ti } from './insight-i18n';
import {
  KIOSK_STATES,
  PARAM_DEFAULTS,
  type AlertItem,
  type AlertParams,
  type AlertRule,
  type KioskHealth,
} from './insight-types';
import { formatShare } from './overview-format';

/** A threshold share as a percentage without needless decimals: 0.6 → "60%", 0.655 → "65.5%". */
export function formatPercent(fraction: number): string {
  const p = Math.round(fraction * 1000) / 10;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

/** A percentage that is already in % (a rise): 50 → "50%", 133.33 → "133%". */
export function formatRise(percent: number): string {
  return `${Math.round(percent)}%`;
}

/** Whole hours in words ("30 ຊົ່ວໂມງ" / "30 h"). */
export function formatHours(h: number): string {
  return t('hours', { n: h });
}

/** An alert's figure against its threshold, and a second line when there is more to say. */
export function alertFigure(
  a: Pick<AlertItem, 'kind' | 'value' | 'threshold' | 'count' | 'before'>,
  rule?: Pick<AlertRule, 'params'>,
): { main: string; sub?: string } {
  if (a.kind === 'satisfaction_below')
    return {
      main: ti('alFigSatisfaction', { v: formatShare(a.value), th: formatPercent(a.threshold) }),
      sub: ti('alFigSatisfactionDays', { d: rule?.params.days ?? PARAM_DEFAULTS.days }),
    };
  if (a.kind === 'topic_up') {
    const sub = ti('alFigTopicThreshold', { p: formatRise(a.threshold) });
    if (a.count == null) return { main: ti('alFigTopicOld', { v: a.value }), sub };
    if (!a.before) return { main: ti('alFigTopicNew', { n: a.count }), sub };
    return {
      main: ti('alFigTopic', { n: a.count, b: a.before, p: formatRise(a.value) }),
      sub,
    };
  }
  if (a.kind === 'kiosk_silent')
    return { main: ti('alFigKiosk', { h: formatHours(a.value), th: formatHours(a.threshold) }) };
  return { main: `${a.value} / ${a.threshold}` };
}

/** A rule's parameters as one sentence (the evaluator's fallbacks where one is left out). */
export function ruleWords(r: Pick<AlertRule, 'kind' | 'params'>): string {
  const p = { ...PARAM_DEFAULTS, ...r.params };
  if (r.kind === 'satisfaction_below')
    return ti('rlWordsSatisfaction', {
      th: formatPercent(p.threshold),
      d: p.days,
      m: p.minRated,
    });
  if (r.kind === 'topic_up') return ti('rlWordsTopic', { p: formatRise(p.percent), m: p.minCount });
  if (r.kind === 'kiosk_silent') return ti('rlWordsKiosk', { h: formatHours(p.hours) });
  return JSON.stringify(r.params);
}

const LAO_ZERO = 0x0ed0;

/** A number typed in Lao (໐–໙) or Western digits, "." or "," as the decimal mark; null if not one. */
export function parseNumber(text: string): number | null {
  const s = text
    .trim()
    .replace(/[\u0ED0-\u0ED9]/g, (d) => String(d.charCodeAt(0) - LAO_ZERO))
    .replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

/** How a parameter is typed on the form: the share threshold in %, the others as they are stored. */
export function paramToText(key: keyof AlertParams, v: number | undefined): string {
  if (v === undefined) return '';
  return key === 'threshold' ? String(Math.round(v * 1000) / 10) : String(v);
}

/** The stored value of what was typed (the threshold from % to a fraction); null if not a number. */
export function textToParam(key: keyof AlertParams, text: string): number | null {
  const n = parseNumber(text);
  if (n === null) return null;
  return key === 'threshold' ? Math.round(n * 10) / 1000 : n;
}

/**
 * What to show beside a field for one of the API's 422 details: zod's bounds ("expected number to
 * be >=1") in words and in the field's units (the threshold in %), else the API's own message.
 */
export function fieldMessage(field: string, message: string): string {
  const key = field.replace(/^params\./, '');
  const scale = (n: number) => (key === 'threshold' ? Math.round(n * 1000) / 10 : n);
  const bound = /(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)/.exec(message);
  if (bound) {
    const n = scale(Number(bound[2]));
    return bound[1]!.startsWith('>') ? ti('errAtLeast', { n }) : ti('errAtMost', { n });
  }
  if (/\bint(eger)?\b/i.test(message)) return ti('errWhole');
  return ti('errField', { m: message });
}

/** Silent first (longest silence first), then offline, not paired, online, revoked. */
export function kioskOrder(
  a: Pick<KioskHealth, 'state' | 'silentHours' | 'centerCode' | 'id'>,
  b: Pick<KioskHealth, 'state' | 'silentHours' | 'centerCode' | 'id'>,
): number {
  const rank = (s: string) => {
    const i = (KIOSK_STATES as readonly string[]).indexOf(s);
    return i < 0 ? KIOSK_STATES.length : i;
  };
  // A tablet that never sent a heartbeat has been silent the longest.
  const silence = (k: typeof a) => (k.silentHours === null ? Infinity : k.silentHours);
  return (
    rank(a.state) - rank(b.state) ||
    (silence(b) === silence(a) ? 0 : silence(b) > silence(a) ? 1 : -1) ||
    a.centerCode.localeCompare(b.centerCode) ||
    a.id.localeCompare(b.id)
  );
}
