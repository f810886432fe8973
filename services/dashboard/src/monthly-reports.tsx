/**
 * Monthly reports ("ລາຍງານປະຈຳເດືອນ"): pick a month (the last complete one by default), the
 * report's language and its scope — every center in the caller's scope, one province or one
 * center (a center manager is offered only theirs) — then open the printable page in a new tab or
 * download the PDF, both straight from GET /api/v1/reports/monthly (the browser sends the session
 * cookie; nothing is built here). Below, the reports the monthly job stored, with their PDFs.
 */
import { useEffect, useState } from 'preact/hooks';
import { previousMonth } from '../../../shared/reports/metrics';
import { api, errorMessage, query, API } from './api';
import { formatDate, formatDateTime, vientianeDay } from './format';
import { pick, t } from './i18n';
import { ti, tl } from './insight-i18n';
import type { StoredReport } from './insight-types';
import { formatCount } from './overview-format';
import { provinces, useSession } from './session';
import { Cell, Notice, useNotice } from './ui';

/** How many months back the month list goes. */
const MONTHS_BACK = 36;

/** "ພະຈິກ 2026" / "Nov 2026": format.ts's date without its day. */
export function monthLabel(month: string): string {
  return formatDate(`${month}-01T12:00:00+07:00`).replace(/^1 /, '');
}

type Scope = 'all' | 'province' | 'center';

export function MonthlyReportsScreen() {
  const { catalog, user } = useSession();
  const thisMonth = vientianeDay(new Date()).slice(0, 7);
  const months = [thisMonth];
  while (months.length <= MONTHS_BACK) months.push(previousMonth(months[months.length - 1]!));
  const [month, setMonth] = useState(months[1]!);
  const [lang, setLang] = useState<'lo' | 'en'>('lo');
  const [scope, setScope] = useState<Scope>('all');
  const mine = user.role === 'center_manager' ? new Set(user.centers) : null;
  const centers = catalog.centers
    .filter((c) => !mine || mine.has(c.code))
    .sort((a, b) => pick(a.name).localeCompare(pick(b.name)));
  const provinceList = provinces(catalog).filter(
    (p) => !mine || centers.some((c) => c.province === p.code),
  );
  const [province, setProvince] = useState(provinceList[0]?.code ?? '');
  const [center, setCenter] = useState(centers[0]?.code ?? '');
  const [stored, setStored] = useState<StoredReport[] | null>(null);
  const [notice, show] = useNotice();

  useEffect(() => {
    api.get<{ items: StoredReport[] }>('/reports/monthly/stored').then(
      // Newest month first (the API's order), and Lao before English within a month.
      (r) =>
        setStored(
          [...r.items].sort(
            (a, b) =>
              b.month.localeCompare(a.month) || (a.lang === b.lang ? 0 : a.lang === 'lo' ? -1 : 1),
          ),
        ),
      (e) => show('error', errorMessage(e)),
    );
  }, []);

  const params = {
    month,
    lang,
    province: scope === 'province' ? province : '',
    center: scope === 'center' ? center : '',
  };
  const href = (format: 'html' | 'pdf') => `${API}/reports/monthly${query({ ...params, format })}`;
  const scopeName =
    scope === 'province'
      ? (provinceList.find((p) => p.code === province)?.name ?? province)
      : scope === 'center'
        ? pick(centers.find((c) => c.code === center)?.name) || center
        : mine
          ? ti('rpScopeMine')
          : ti('rpScopeAll');
  const scopes: [Scope, string][] = [
    ['all', mine ? ti('rpScopeMine') : ti('rpScopeAll')],
    ['province', ti('rpScopeProvince')],
    ['center', ti('rpScopeCenter')],
  ];

  return (
    <section class="monthly-reports" data-screen="reports">
      <h1 tabIndex={-1}>{ti('rpTitle')}</h1>
      <Notice notice={notice} />
      <section class="card report-maker" aria-labelledby="h-make">
        <h2 id="h-make">{ti('rpMake')}</h2>
        <div class="report-grid">
          <div class="field">
            <label for="r-month">{ti('rpMonth')}</label>
            <select id="r-month" value={month} onChange={(e) => setMonth(e.currentTarget.value)}>
              {months.map((m) => (
                <option key={m} value={m}>
                  {monthLabel(m)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="r-lang">{ti('rpLang')}</label>
            <select
              id="r-lang"
              value={lang}
              onChange={(e) => setLang(e.currentTarget.value as 'lo' | 'en')}
            >
              <option value="lo" lang="lo">
                ລາວ
              </option>
              <option value="en" lang="en">
                English
              </option>
            </select>
          </div>
          <fieldset class="field scope-choice">
            <legend>{ti('rpScope')}</legend>
            {scopes.map(([s, text]) => (
              <label class="check" key={s}>
                <input
                  type="radio"
                  name="r-scope"
                  value={s}
                  checked={scope === s}
                  onChange={() => setScope(s)}
                />
                <span>{text}</span>
              </label>
            ))}
          </fieldset>
          {scope === 'province' && (
            <div class="field">
              <label for="r-province">{t('province')}</label>
              <select
                id="r-province"
                value={province}
                onChange={(e) => setProvince(e.currentTarget.value)}
              >
                {provinceList.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          {scope === 'center' && (
            <div class="field">
              <label for="r-center">{t('center')}</label>
              <select
                id="r-center"
                value={center}
                onChange={(e) => setCenter(e.currentTarget.value)}
              >
                {centers.map((c) => (
                  <option key={c.code} value={c.code}>
                    {pick(c.name)}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
        <p class="report-for" data-href={href('html')}>
          {ti('rpFor', { month: monthLabel(month), scope: scopeName })} · {tl('reportLang', lang)}
        </p>
        <div class="button-row report-links">
          <a class="button" href={href('html')} target="_blank" rel="noopener" data-report="html">
            {ti('rpOpenHtml')}
            <span class="visually-hidden">{ti('rpNewTab')}</span>
          </a>
          <a class="button secondary" href={href('pdf')} download data-report="pdf">
            {ti('rpPdf')}
          </a>
        </div>
        <p class="hint">{ti('rpPdfHint')}</p>
      </section>
      <section class="stored-reports" aria-labelledby="h-stored">
        <h2 id="h-stored">{ti('rpStored')}</h2>
        <p class="sub">{ti('rpStoredHint')}</p>
        {!stored ? (
          !notice && <p class="loading">{t('loading')}</p>
        ) : stored.length === 0 ? (
          <p class="empty" data-empty="stored">
            {mine ? ti('rpStoredManager') : ti('rpStoredNone')}
          </p>
        ) : (
          <table class="rtable stored-table">
            <caption class="visually-hidden">{ti('rpStored')}</caption>
            <thead>
              <tr>
                <th scope="col">{ti('rpMonth')}</th>
                <th scope="col">{ti('rpLang')}</th>
                <th scope="col" class="num">
                  {ti('rpPages')}
                </th>
                <th scope="col" class="num">
                  {ti('rpSize')}
                </th>
                <th scope="col">{ti('rpMade')}</th>
                <th scope="col">{ti('rpFile')}</th>
              </tr>
            </thead>
            <tbody>
              {stored.map((r) => (
                <tr key={r.href} data-stored={`${r.month}|${r.lang}`}>
                  <th scope="row">{monthLabel(r.month)}</th>
                  <Cell label={ti('rpLang')}>{tl('reportLang', r.lang)}</Cell>
                  <Cell label={ti('rpPages')} class="num">
                    {formatCount(r.pages)}
                  </Cell>
                  <Cell label={ti('rpSize')} class="num">
                    {ti('rpKiB', { n: formatCount(Math.round(r.size / 1024)) })}
                  </Cell>
                  <Cell label={ti('rpMade')}>
                    <time dateTime={r.generatedAt}>{formatDateTime(r.generatedAt)}</time>
                    <span class="sub block">{r.by === 'job' ? ti('rpByJob') : r.by}</span>
                  </Cell>
                  <Cell label={ti('rpFile')}>
                    <a href={r.href} download>
                      {ti('rpPdf')}
                      <span class="visually-hidden">
                        {' '}
                        {monthLabel(r.month)}, {tl('reportLang', r.lang)}
                      </span>
                    </a>
                  </Cell>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
