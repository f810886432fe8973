/**
 * The words of the demo feedback: a template (demo-data.json) filled in for a center and a
 * service in Lao or English, with an opener and a closer, Lao digits in a quarter of the Lao texts
 * (the intake folds them to ASCII in the normalized text); and the rating and sentiment that go
 * with the kind of text.
 */
import type { CenterDoc, ServiceDoc } from '../../shared/models/catalog.model';
import type { FeedbackKind } from '../../shared/models/feedback.model';
import { demoData, type DemoTemplate } from './demo-data';
import type { DemoRandom } from './demo-random';

const LAO_DIGITS = '໐໑໒໓໔໕໖໗໘໙';

/** "Land title" → "land title", for the middle of an English sentence ("ID card" stays). */
const lower = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

/** A rating that goes with the kind of text (when the channel asked for one). */
export function textRating(r: DemoRandom, kind: FeedbackKind): number {
  const x = r.next();
  switch (kind) {
    case 'complaint':
      return x < 0.45 ? 1 : x < 0.85 ? 2 : 3;
    case 'praise':
      return x < 0.4 ? 4 : 5;
    case 'suggestion':
      return x < 0.4 ? 3 : x < 0.85 ? 4 : 5;
    case 'question':
      return x < 0.5 ? 3 : x < 0.85 ? 4 : 5;
    default:
      return x < 0.2 ? 2 : x < 0.7 ? 3 : 4;
  }
}

/** The sentiment the classifier gives such a text (-1 … 1). */
export function textSentiment(r: DemoRandom, kind: FeedbackKind): number {
  const v =
    kind === 'complaint'
      ? r.between(-0.9, -0.3)
      : kind === 'praise'
        ? r.between(0.4, 0.9)
        : kind === 'suggestion'
          ? r.between(-0.1, 0.3)
          : 0;
  return +v.toFixed(2);
}

/** A template's text with its slots filled, an opener and a closer; Lao digits now and then. */
export function fillTemplate(
  r: DemoRandom,
  t: DemoTemplate,
  kind: FeedbackKind,
  lang: 'lo' | 'en',
  center: CenterDoc,
  service: ServiceDoc | null,
): string {
  const serviceName = service
    ? lang === 'lo'
      ? service.name.lo
      : lower(service.name.en.split(' / ')[0]!)
    : lang === 'lo'
      ? 'ເອກະສານ'
      : 'my papers';
  let text = t[lang]
    .replaceAll('{place}', lang === 'lo' ? center.place.lo : center.place.en)
    .replaceAll('{service}', serviceName)
    .replaceAll('{n}', String(r.int(2, 5)))
    .replaceAll('{hours}', String(r.int(1, 6)))
    .replaceAll('{days}', String(r.int(3, 40)))
    .replaceAll('{kip}', r.one(demoData.kip));
  text = `${r.one(demoData.openers[lang])}${text}${r.one(demoData.closers[kind]![lang])}`;
  if (lang === 'lo' && r.chance(0.25)) text = text.replace(/[0-9]/g, (d) => LAO_DIGITS[Number(d)]!);
  // A text that starts with a service name ("land title took…") starts with a capital.
  return text.charAt(0).toUpperCase() + text.slice(1);
}
