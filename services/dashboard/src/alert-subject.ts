/**
 * What an alert is about, by name — a center, a topic (and where), a tablet by its label and
 * center — and where to look further: the overview filtered to the center, or the kiosks.
 */
import { ti } from './insight-i18n';
import type { AlertItem, KioskHealth } from './insight-types';
import { BASE } from './router';
import type { catalogNames } from './session';

type Names = ReturnType<typeof catalogNames>;

/** What an alert is about, by name, and where to look further. */
export function alertSubject(
  a: Pick<AlertItem, 'kind' | 'subject' | 'centerCode'>,
  names: Names,
  tablets: Map<string, KioskHealth> = new Map(),
): { text: string; where?: string; href?: string; linkText?: string } {
  const overview = (code: string) => `${BASE}/overview?center=${encodeURIComponent(code)}`;
  if (a.kind === 'satisfaction_below')
    return {
      text: names.center(a.subject),
      href: overview(a.subject),
      linkText: ti('alSeeOverview'),
    };
  if (a.kind === 'topic_up')
    return {
      text: ti('alTopic', { name: names.topic(a.subject) }),
      where: a.centerCode ? names.center(a.centerCode) : ti('alEveryCenter'),
      href: a.centerCode ? overview(a.centerCode) : undefined,
      linkText: a.centerCode ? ti('alSeeOverview') : undefined,
    };
  if (a.kind === 'kiosk_silent')
    return {
      text: ti('alTablet', { name: tablets.get(a.subject)?.label || a.subject }),
      where: names.center(a.centerCode),
      href: `${BASE}/kiosks`,
      linkText: ti('alSeeKiosks'),
    };
  return { text: a.subject, where: a.centerCode ? names.center(a.centerCode) : undefined };
}
