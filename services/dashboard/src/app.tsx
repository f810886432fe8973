/**
 * The shell: finds out who is logged in (/auth/me), shows the login form when nobody is, and
 * otherwise the top bar (email and role, ລາວ/English, the menu, notices, log out) over the
 * screen the path names. Admin-only screens are not offered to other roles (the API refuses them anyway).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Account } from './account';
import { AlertsScreen, useOpenAlerts } from './alerts';
import { api, setCsrfToken, setUnauthenticatedHandler } from './api';
import { Audit } from './audit';
import { CatalogScreen } from './catalog-admin';
import { tc } from './catalog-i18n';
import { getLang, label, setLang, t, type Lang } from './i18n';
import { ti } from './insight-i18n';
import { Item } from './item';
import { KiosksScreen } from './kiosks';
import { Login } from './login';
import { MonthlyReportsScreen } from './monthly-reports';
import { NoticesButton, NoticesPanel, useNotices } from './notices';
import { OverviewScreen } from './overview';
import { Queue } from './queue';
import { BASE, Link, navigate, useRoute, type Route } from './router';
import { SessionContext, type Session } from './session';
import type { Catalog, Me, StaffMember } from './types';
import { Users } from './users';

type Auth = { state: 'checking' } | { state: 'out'; expired?: boolean } | { state: 'in'; me: Me };

export function App() {
  const [lang, setLangState] = useState<Lang>(getLang());
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [staff, setStaff] = useState<StaffMember[]>([]);
  const route = useRoute();
  const notices = useNotices(auth.state === 'in', route.path);
  const openAlerts = useOpenAlerts(auth.state === 'in', route.path);

  const changeLang = (l: Lang) => {
    setLang(l);
    setLangState(l);
  };

  const signedIn = useCallback((me: Me) => {
    setCsrfToken(me.csrfToken);
    setAuth({ state: 'in', me });
  }, []);

  useEffect(() => {
    document.documentElement.lang = getLang();
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setAuth({ state: 'out', expired: true });
    });
    api.get<Me>('/auth/me').then(signedIn, () => setAuth({ state: 'out' }));
  }, [signedIn]);

  const role = auth.state === 'in' ? auth.me.user.role : null;
  const refreshStaff = useCallback(() => {
    if (!role || role === 'analyst') return setStaff([]);
    api.get<{ items: StaffMember[] }>('/staff').then(
      (r) => setStaff(r.items),
      () => setStaff([]),
    );
  }, [role]);

  useEffect(() => {
    if (!role) return;
    api
      .get<Catalog>('/catalog')
      .then(setCatalog, () => setCatalog({ centers: [], services: [], topics: [] }));
    refreshStaff();
  }, [role, refreshStaff]);

  // Someone who is not logged in sees the login page, and comes back here after it.
  useEffect(() => {
    if (auth.state === 'out' && route.path !== '/login') {
      const next = location.pathname + location.search;
      navigate(`${BASE}/login?next=${encodeURIComponent(next)}`, { replace: true });
    }
    if (auth.state === 'in' && route.path === '/login') {
      const next = route.query.get('next');
      navigate(next && next.startsWith(BASE) ? next : BASE, { replace: true });
    }
  }, [auth, route]);

  // After moving, the new screen's heading gets the focus (keyboard and screen-reader users).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [route.path]);

  // The tab's title follows the screen's heading.
  useEffect(() => {
    const h1 = document.querySelector('main h1')?.textContent?.trim();
    document.title = h1 ? `${h1} — ODSC` : `ODSC — ${t('appName')}`;
  });

  const session = useMemo<Session | null>(
    () =>
      auth.state === 'in' && catalog
        ? {
            user: auth.me.user,
            catalog,
            staff,
            canAct: auth.me.user.role !== 'analyst',
            isAdmin: auth.me.user.role === 'admin',
            refreshStaff,
          }
        : null,
    [auth, catalog, staff, refreshStaff],
  );

  const logout = async () => {
    await api.post('/auth/logout').catch(() => undefined);
    setCsrfToken(null);
    setCatalog(null);
    setAuth({ state: 'out' });
    navigate(`${BASE}/login`);
  };

  return (
    <div class="shell" data-lang={lang}>
      <a class="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header class="topbar">
        <div class="topbar-row">
          <Link class="brand" href={BASE}>
            <span class="brand-mark">ODSC</span>
            <span class="brand-name">{t('appName')}</span>
          </Link>
          <div class="langs" role="group" aria-label={t('language')}>
            {(['lo', 'en'] as const).map((l) => (
              <button
                type="button"
                key={l}
                lang={l}
                aria-pressed={lang === l}
                onClick={() => changeLang(l)}
              >
                {l === 'lo' ? 'ລາວ' : 'English'}
              </button>
            ))}
          </div>
        </div>
        {session && (
          <div class="topbar-row">
            <Nav route={route} session={session} openAlerts={openAlerts} />
            <div class="who">
              <NoticesButton n={notices} />
              <span class="who-email">{session.user.email}</span>
              <span class="badge badge-role">{label('role', session.user.role)}</span>
              <button type="button" class="link-button" onClick={logout}>
                {t('logout')}
              </button>
            </div>
          </div>
        )}
        {session && notices.open && (
          <div class="topbar-row notices-row">
            <NoticesPanel n={notices} catalog={session.catalog} />
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {auth.state === 'checking' || (auth.state === 'in' && !session) ? (
          <p class="loading">{t('loading')}</p>
        ) : auth.state === 'out' ? (
          <Login expired={auth.expired} onLogin={signedIn} />
        ) : (
          <SessionContext.Provider value={session}>
            <Screen route={route} session={session!} />
          </SessionContext.Provider>
        )}
      </main>
    </div>
  );
}

function Nav({
  route,
  session,
  openAlerts,
}: {
  route: Route;
  session: Session;
  /** Open alerts in the person's scope: a count beside "Alerts" when there are any. */
  openAlerts: number | null;
}) {
  const items: [string, string][] = [
    [`${BASE}/overview`, t('navOverview')],
    [`${BASE}/alerts`, ti('navAlerts')],
    [`${BASE}/kiosks`, ti('navKiosks')],
    [`${BASE}/reports`, ti('navReports')],
    [BASE, t('navQueue')],
  ];
  if (session.isAdmin)
    items.push(
      [`${BASE}/users`, t('navUsers')],
      [`${BASE}/catalog`, tc('navCatalog')],
      [`${BASE}/audit`, t('navAudit')],
    );
  items.push([`${BASE}/account`, t('navAccount')]);
  const here = BASE + route.path;
  const current = (href: string) =>
    href === BASE ? here === BASE || here.startsWith(`${BASE}/feedback`) : here.startsWith(href);
  return (
    <nav class="nav" aria-label={t('mainNav')}>
      {items.map(([href, text]) => (
        <Link key={href} href={href} aria-current={current(href) ? 'page' : undefined}>
          {text}
          {href === `${BASE}/alerts` && !!openAlerts && (
            <span class="nav-count" data-open-alerts={openAlerts}>
              <span aria-hidden="true">{openAlerts > 99 ? '99+' : openAlerts}</span>
              <span class="visually-hidden">, {ti('navAlertsOpen', { n: openAlerts })}</span>
            </span>
          )}
        </Link>
      ))}
    </nav>
  );
}

function Screen({ route, session }: { route: Route; session: Session }) {
  const item = /^\/feedback\/([^/]+)$/.exec(route.path);
  if (route.path === '' || route.path === '/queue') return <Queue route={route} />;
  if (route.path === '/overview') return <OverviewScreen route={route} />;
  if (route.path === '/alerts') return <AlertsScreen route={route} />;
  if (route.path === '/kiosks') return <KiosksScreen />;
  if (route.path === '/reports') return <MonthlyReportsScreen />;
  if (item) return <Item code={decodeURIComponent(item[1]!)} />;
  if (route.path === '/users' && session.isAdmin) return <Users />;
  if (route.path === '/audit' && session.isAdmin) return <Audit route={route} />;
  if (route.path === '/catalog' && session.isAdmin) return <CatalogScreen />;
  if (route.path === '/account') return <Account />;
  if (route.path === '/login') return <p class="loading">{t('loading')}</p>;
  return (
    <section class="card">
      <h1 tabIndex={-1}>{t('notFoundPage')}</h1>
      <Link href={BASE}>{t('backToQueue')}</Link>
    </section>
  );
}
