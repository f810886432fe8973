/**
 * The alerts screen ("ການແຈ້ງເຕືອນ"): the alerts the job opened (GET /api/v1/alerts, open ones
 * first; `?state=all` in the address adds the closed ones), each in words — its kind, what it is
 * about by name, its figure against the rule's threshold, since when (Vientiane time) — with a link
 * to the overview of its center or to the kiosks; below them the rules (alert-rules.tsx). The API
 * scopes both: a center manager sees their centers' alerts only.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { alertFigure } from './alert-format';
import { alertSubject } from './alert-subject';
import { AlertRules } from './alert-rules';
import { api, errorMessage } from './api';
import { formatDateTime, formatDuration } from './format';
import { t } from './i18n';
import { ti, tl } from './insight-i18n';
import type { AlertItem, AlertRule, KioskHealth } from './insight-types';
import { POLL_MS } from './notices';
import { BASE, Link, navigate, type Route } from './router';
import { catalogNames, useSession } from './session';
import { Cell, Notice, useNotice } from './ui';

/** The number of open alerts in the caller's scope, for the menu: asked on every move and each minute. */
export function useOpenAlerts(active: boolean, path: string): number | null {
  const [n, setN] = useState<number | null>(null);
  useEffect(() => {
    if (!active) {
      setN(null);
      return;
    }
    let live = true;
    const load = () =>
      api.get<{ items: AlertItem[] }>('/alerts').then(
        (r) => live && setN(r.items.length),
        () => undefined,
      );
    void load();
    const id = window.setInterval(load, POLL_MS);
    return () => {
      live = false;
      window.clearInterval(id);
    };
  }, [active, path]);
  return n;
}

export function AlertsScreen({ route }: { route: Route }) {
  const { catalog } = useSession();
  const names = catalogNames(catalog);
  const all = route.query.get('state') === 'all';
  const [items, setItems] = useState<AlertItem[] | null>(null);
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [tablets, setTablets] = useState<Map<string, KioskHealth>>(new Map());
  /** The address whose alerts are on screen (tests and scripts wait on it). */
  const [loaded, setLoaded] = useState<string | null>(null);
  const [notice, show, hide] = useNotice();
  const latest = useRef(0);

  const loadRules = useCallback(
    () =>
      api.get<{ items: AlertRule[] }>('/alerts/rules').then(
        (r) => setRules(r.items),
        (e) => show('error', errorMessage(e)),
      ),
    // show() only sets state: the first render's one serves for the screen's life
    [],
  );
  useEffect(() => {
    void loadRules();
    // Only to name the tablets of kiosk alerts: without it they show by id.
    api.get<{ items: KioskHealth[] }>('/kiosks').then(
      (r) => setTablets(new Map(r.items.map((k) => [k.id, k]))),
      () => undefined,
    );
  }, [loadRules]);

  useEffect(() => {
    const ticket = ++latest.current;
    api.get<{ items: AlertItem[] }>('/alerts', { state: all ? 'all' : '' }).then(
      (r) => {
        if (ticket !== latest.current) return;
        setItems(r.items);
        setLoaded(route.search);
        hide();
      },
      (e) => {
        if (ticket !== latest.current) return;
        setItems(null);
        show('error', errorMessage(e));
      },
    );
  }, [all, route.search]);

  const ruleOf = new Map((rules ?? []).map((r) => [r.id, r]));
  const now = Date.now();

  return (
    <section
      class="alerts"
      data-screen="alerts"
      aria-busy={loaded !== route.search}
      data-loaded={loaded ?? undefined}
    >
      <h1 tabIndex={-1}>{ti('alTitle')}</h1>
      <p class="sub">{ti('alIntro')}</p>
      <label class="check toggle-closed">
        <input
          type="checkbox"
          id="alerts-all"
          checked={all}
          onChange={(e) =>
            navigate(`${BASE}/alerts${e.currentTarget.checked ? '?state=all' : ''}`, {
              replace: true,
            })
          }
        />
        <span>{ti('alIncludeClosed')}</span>
      </label>
      <Notice notice={notice} />
      {!items ? (
        !notice && <p class="loading">{t('loading')}</p>
      ) : items.length === 0 ? (
        <p class="empty" data-empty="alerts">
          {all ? ti('alNone') : ti('alNoneOpen')}
        </p>
      ) : (
        <table class="rtable alerts-table">
          <caption>{all ? ti('alCaptionAll') : ti('alCaptionOpen')}</caption>
          <thead>
            <tr>
              <th scope="col">{ti('alKind')}</th>
              <th scope="col">{ti('alSubject')}</th>
              <th scope="col">{ti('alFigure')}</th>
              <th scope="col">{ti('alSince')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => {
              const s = alertSubject(a, names, tablets);
              const f = alertFigure(a, ruleOf.get(a.ruleId));
              return (
                <tr
                  key={a.id}
                  data-alert={a.id}
                  data-kind={a.kind}
                  class={a.active ? undefined : 'is-disabled'}
                >
                  <th scope="row" class="col-kind">
                    <span class="alert-kind">{tl('alertKind', a.kind)}</span>{' '}
                    <span class={`badge ${a.active ? 'alert-open' : 'alert-closed'}`}>
                      {a.active ? ti('alOpen') : ti('alClosed')}
                    </span>
                  </th>
                  <Cell label={ti('alSubject')} class="col-subject">
                    <span class="alert-subject">{s.text}</span>
                    {s.where && <span class="sub block">{s.where}</span>}
                    {s.href && (
                      <Link class="sub block" href={s.href}>
                        {s.linkText}
                      </Link>
                    )}
                  </Cell>
                  <Cell label={ti('alFigure')} class="col-figure">
                    <span class="alert-figure">{f.main}</span>
                    {f.sub && <span class="sub block">{f.sub}</span>}
                  </Cell>
                  <Cell label={ti('alSince')}>
                    <time dateTime={a.since}>{formatDateTime(a.since)}</time>
                    <span class="sub block">
                      {a.active
                        ? ti('alOpenFor', { t: formatDuration(now - Date.parse(a.since)) })
                        : ti('alClosedAt', { at: formatDateTime(a.resolvedAt) })}
                    </span>
                  </Cell>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <AlertRules rules={rules} onChanged={loadRules} />
    </section>
  );
}
