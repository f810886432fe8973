/**
 * Kiosk health ("ແທັບເລັດ"): every survey tablet in the caller's scope (GET /api/v1/kiosks; a
 * center manager gets their centers' only) with its state as a coloured badge that also says it
 * in words, the last heartbeat (how long ago, and when in Vientiane time), what it still has to
 * send, what the server refused, misuse taps, its app version and its last good sync. Silent and
 * offline tablets come first, the longest silent at the top; a count per state sits above.
 */
import { useEffect, useState } from 'preact/hooks';
import { kioskOrder, formatHours } from './alert-format';
import { api, errorMessage } from './api';
import { formatDateTime, formatDuration } from './format';
import { t } from './i18n';
import { ti, tl } from './insight-i18n';
import { KIOSK_STATES, type KioskHealth } from './insight-types';
import { formatCount } from './overview-format';
import { catalogNames, useSession } from './session';
import { Cell, Notice, useNotice } from './ui';

/** A moment as "3 h ago" over its Vientiane date and time. */
function When({ iso, now, none }: { iso: string | null; now: number; none: string }) {
  if (!iso) return <span class="muted">{none}</span>;
  return (
    <>
      <span>{ti('kAgo', { t: formatDuration(now - Date.parse(iso)) })}</span>
      <time class="sub block" dateTime={iso}>
        {formatDateTime(iso)}
      </time>
    </>
  );
}

export function KiosksScreen() {
  const { catalog } = useSession();
  const names = catalogNames(catalog);
  const [items, setItems] = useState<KioskHealth[] | null>(null);
  const [now, setNow] = useState(Date.now());
  const [notice, show] = useNotice();

  useEffect(() => {
    api.get<{ items: KioskHealth[] }>('/kiosks').then(
      (r) => {
        setNow(Date.now());
        setItems([...r.items].sort(kioskOrder));
      },
      (e) => show('error', errorMessage(e)),
    );
  }, []);

  const counts = KIOSK_STATES.map(
    (s) => [s, items?.filter((k) => k.state === s).length ?? 0] as const,
  );

  return (
    <section
      class="kiosks"
      data-screen="kiosks"
      aria-busy={!items}
      data-loaded={items ? '' : undefined}
    >
      <h1 tabIndex={-1}>{ti('kTitle')}</h1>
      <p class="sub">{ti('kIntro')}</p>
      <Notice notice={notice} />
      {!items ? (
        !notice && <p class="loading">{t('loading')}</p>
      ) : items.length === 0 ? (
        <p class="empty">{ti('kNone')}</p>
      ) : (
        <>
          <ul class="state-counts" aria-label={ti('kSummary')}>
            <li>
              <strong>{ti('kCount', { n: formatCount(items.length) })}</strong>
            </li>
            {counts
              .filter(([, n]) => n > 0)
              .map(([s, n]) => (
                <li key={s} data-count={s}>
                  <span class={`badge state-${s}`}>{tl('kioskState', s)}</span> {formatCount(n)}
                </li>
              ))}
          </ul>
          <table class="rtable kiosks-table">
            <caption>{ti('kCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('center')}</th>
                <th scope="col">{ti('kTablet')}</th>
                <th scope="col">{ti('kState')}</th>
                <th scope="col">{ti('kHeartbeat')}</th>
                <th scope="col" class="num">
                  {ti('kQueued')}
                </th>
                <th scope="col" class="num">
                  {ti('kRejected')}
                </th>
                <th scope="col" class="num">
                  {ti('kMisuse')}
                </th>
                <th scope="col">{ti('kVersion')}</th>
                <th scope="col">{ti('kLastSync')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((k) => (
                <tr key={k.id} data-kiosk={k.id} data-state={k.state}>
                  <th scope="row" class="col-center">
                    {names.center(k.centerCode)}
                  </th>
                  <Cell label={ti('kTablet')}>
                    {k.label ? <span>{k.label}</span> : <span class="muted">{ti('kUnnamed')}</span>}
                    <span class="sub block code">{k.id}</span>
                  </Cell>
                  <Cell label={ti('kState')} class="col-state">
                    <span class={`badge state-${k.state}`}>{tl('kioskState', k.state)}</span>
                    {(k.state === 'silent' || k.state === 'offline') && k.silentHours !== null && (
                      <span class="sub block silent-for">
                        {ti('kSilentFor', { h: formatHours(k.silentHours) })}
                      </span>
                    )}
                  </Cell>
                  <Cell label={ti('kHeartbeat')} class="col-heartbeat">
                    <When iso={k.lastHeartbeatAt} now={now} none={ti('kNoHeartbeat')} />
                  </Cell>
                  <Cell label={ti('kQueued')} class="num">
                    {formatCount(k.queued)}
                  </Cell>
                  <Cell label={ti('kRejected')} class="num">
                    {formatCount(k.rejected)}
                  </Cell>
                  <Cell label={ti('kMisuse')} class="num">
                    {formatCount(k.misuse)}
                  </Cell>
                  <Cell label={ti('kVersion')}>{k.appVersion ?? '—'}</Cell>
                  <Cell label={ti('kLastSync')}>
                    <When iso={k.lastSyncAt} now={now} none="—" />
                  </Cell>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
