/**
 * The public scoreboard page: one accessible table of centers for a month, Lao first (`?lang=en`
 * for English), a month and sort selector that is a plain GET form (no JavaScript), and the
 * definitions of the figures in words (shared/reports/metrics.ts computes them). Numbers use the
 * language's separators with Arabic digits, as Lao official statistics do.
 */
import type { CatalogView } from '../../../shared/catalog/catalog';
import type { ScoreboardLine } from '../../../shared/reports/figures';
import { previousMonth } from '../../../shared/reports/metrics';
import { esc, page } from './html';
import { MONTH_NAMES, SCOREBOARD_TEXT as TEXT } from './scoreboard.strings';
import type { Lang } from './strings';

export type ScoreboardSort = 'name' | 'satisfaction';

/** How many months the selector offers, counting back from the current one. */
const MONTHS_OFFERED = 24;

// Latin letters and digits from Noto Sans, Lao from Noto Sans Lao (its companion): with the shared
// stack, Latin and digits fall to Phetsarath OT, whose old-style figures read badly in a table.
const CSS = `
body{font-family:"Noto Sans","Noto Sans Lao","Phetsarath OT","Saysettha OT",system-ui,sans-serif}
main,header .bar{max-width:72rem}
.controls{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:flex-end}
.controls label{margin:0 0 .25rem}
.controls select{width:auto;min-width:12rem}
.controls button{width:auto;margin:0}
.note{color:#4a5561;font-size:.95rem}
.table-wrap{overflow-x:auto;background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
table{width:100%;border-collapse:collapse;font-size:1rem;line-height:1.45}
caption{text-align:left;font-weight:700;padding:.75rem;font-size:1.05rem}
caption a{font-weight:400;font-size:.95rem;white-space:nowrap}
th,td{padding:.55rem .75rem;border-top:1px solid #d5dbe1;text-align:left;vertical-align:top}
thead th{background:#eef4fa;font-size:.9rem;vertical-align:bottom}
tbody th{font-weight:600;overflow-wrap:anywhere}
.num{text-align:right}
.big{font-weight:700;white-space:nowrap}
.sub{display:block;color:#4a5561;font-size:.85rem;font-weight:400}
.na{color:#4a5561;text-align:center}
.pv-inline{display:none}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
#how h2{margin-top:0}
dt{font-weight:700;margin-top:.75rem}
dd{margin:0}
@media (max-width:40rem){
  body{font-size:16px}
  main{padding:.5rem}
  .controls select{min-width:0;width:100%}
  .controls>div{flex:1 1 100%}
  table{font-size:.9rem}
  th,td{padding:.45rem .35rem}
  thead th{font-size:.8rem}
  .pv{display:none}
  .pv-inline{display:block}
  thead th:first-child{width:46%}
}
`;

function locale(lang: Lang): string {
  return lang === 'lo' ? 'lo-LA' : 'en-GB';
}

/** "ພະຈິກ 2026" / "November 2026". */
export function monthLabel(month: string, lang: Lang): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${MONTH_NAMES[lang][m - 1]} ${y}`;
}

/** Formatters are costly to build: one per language and kind, made once. */
const FORMATS = (['lo', 'en'] as const).map((lang) => {
  const opts = { numberingSystem: 'latn' } as const;
  return {
    lang,
    percent: new Intl.NumberFormat(locale(lang), {
      ...opts,
      style: 'percent',
      maximumFractionDigits: 0,
    }),
    oneDecimal: new Intl.NumberFormat(locale(lang), {
      ...opts,
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    }),
    count: new Intl.NumberFormat(locale(lang), opts),
    collator: new Intl.Collator(locale(lang)),
  };
});
const fmt = (lang: Lang) => FORMATS.find((f) => f.lang === lang)!;

/** A share 0–1 as a whole percentage, in the language's format with Arabic digits. */
export function percent(x: number, lang: Lang): string {
  return fmt(lang).percent.format(x);
}

/** An average rating with one decimal (3,2 in Lao, 3.2 in English). */
export function oneDecimal(x: number, lang: Lang): string {
  return fmt(lang).oneDecimal.format(x);
}

function count(n: number, lang: Lang): string {
  return fmt(lang).count.format(n);
}

/** Centers in the order asked for: by name in the page's language, or most satisfied first. */
export function sortLines(lines: ScoreboardLine[], sort: ScoreboardSort, lang: Lang) {
  const collator = fmt(lang).collator;
  const byName = (a: ScoreboardLine, b: ScoreboardLine) =>
    collator.compare(a.name[lang], b.name[lang]) || a.centerCode.localeCompare(b.centerCode);
  if (sort === 'name') return [...lines].sort(byName);
  const desc = (a: number | null, b: number | null) => (b ?? -1) - (a ?? -1);
  // Centers without enough responses are not ranked at all: they follow, by name.
  return [...lines].sort(
    (a, b) =>
      Number(b.enoughResponses) - Number(a.enoughResponses) ||
      (a.enoughResponses
        ? desc(a.satisfiedShare, b.satisfiedShare) ||
          desc(a.ratingAvg, b.ratingAvg) ||
          b.responses - a.responses
        : 0) ||
      byName(a, b),
  );
}

export interface ScoreboardPageModel {
  lang: Lang;
  month: string;
  currentMonth: string;
  sort: ScoreboardSort;
  minResponses: number;
  complaintSlaDays: number;
  catalog: CatalogView;
  /** null: the month asked for was not valid (`asked` says what it was). */
  board: { centers: ScoreboardLine[] } | null;
  asked?: string;
}

function provinceName(catalog: CatalogView, code: string, lang: Lang): string {
  return catalog.centerByCode.get(code)?.place[lang] ?? code;
}

function row(c: ScoreboardLine, m: ScoreboardPageModel): string {
  const t = TEXT[m.lang];
  const other: Lang = m.lang === 'lo' ? 'en' : 'lo';
  const province = provinceName(m.catalog, c.province, m.lang);
  const head = `<th scope="row">${esc(c.name[m.lang])}<span class="sub" lang="${other}">${esc(
    c.name[other],
  )}</span><span class="sub pv-inline">${esc(province)}</span></th>
<td class="pv">${esc(province)}</td>
<td class="num" data-figure="responses">${count(c.responses, m.lang)}</td>`;
  if (!c.enoughResponses)
    return `<tr data-center="${esc(c.centerCode)}">${head}<td colspan="2" class="na" data-figure="not-enough">${esc(t.notEnough)}</td></tr>`;
  const satisfaction =
    c.satisfiedShare === null || c.ratingAvg === null
      ? `<span class="na">${esc(t.noRatings)}</span>`
      : `<span class="big">${percent(c.satisfiedShare, m.lang)}</span><span class="sub"><span class="vh">${esc(
          t.average,
        )}: </span>${oneDecimal(c.ratingAvg, m.lang)}&nbsp;/&nbsp;5</span>`;
  const onTime =
    c.resolvedOnTimeShare === null
      ? `<span class="na">${esc(t.noneDue)}</span>`
      : `<span class="big">${percent(c.resolvedOnTimeShare, m.lang)}</span>`;
  return `<tr data-center="${esc(c.centerCode)}">${head}
<td class="num" data-figure="satisfaction">${satisfaction}</td>
<td class="num" data-figure="on-time">${onTime}</td></tr>`;
}

function monthOptions(m: ScoreboardPageModel): string {
  const months: string[] = [];
  for (let x = m.currentMonth, i = 0; i < MONTHS_OFFERED; i++, x = previousMonth(x)) months.push(x);
  if (!months.includes(m.month)) months.push(m.month);
  return months
    .map(
      (x) =>
        `<option value="${x}"${x === m.month ? ' selected' : ''}>${esc(monthLabel(x, m.lang))}</option>`,
    )
    .join('');
}

export function renderScoreboardPage(m: ScoreboardPageModel): string {
  const t = TEXT[m.lang];
  const label = monthLabel(m.month, m.lang);
  const q = new URLSearchParams();
  if (m.lang === 'lo') q.set('lang', 'en');
  if (m.board) q.set('month', m.month);
  if (m.sort !== 'name') q.set('sort', m.sort);
  const switchHref = `/scoreboard${q.size ? `?${q}` : ''}`;

  const problem =
    m.board === null
      ? `<div class="card errors" role="alert"><p>${esc(t.badMonth(m.asked ?? ''))}</p></div>`
      : '';
  const partial =
    m.board && m.month === m.currentMonth
      ? `<p class="note" role="note">${esc(t.partial)}</p>`
      : '';
  const table = m.board
    ? `<div class="table-wrap" role="region" aria-labelledby="scoreboard-caption" tabindex="0">
<table id="scoreboard">
<caption id="scoreboard-caption">${esc(t.caption(label))} <a href="#how">(${esc(t.howLink)})</a></caption>
<thead><tr>
<th scope="col">${esc(t.center)}</th>
<th scope="col" class="pv">${esc(t.province)}</th>
<th scope="col" class="num"><a href="#def-responses">${esc(t.responses)}</a></th>
<th scope="col" class="num"><a href="#def-satisfied">${esc(t.satisfied)}</a><span class="sub">${esc(t.average)}</span></th>
<th scope="col" class="num"><a href="#def-on-time">${esc(t.onTime)}</a></th>
</tr></thead>
<tbody>
${sortLines(m.board.centers, m.sort, m.lang)
  .map((c) => row(c, m))
  .join('\n')}
</tbody>
</table>
</div>`
    : '';

  const body = `
<h1>${esc(t.title)}</h1>
<p>${esc(t.intro)}</p>
${problem}
<form class="card controls" method="get" action="/scoreboard">
  ${m.lang === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}
  <div><label for="month">${esc(t.month)}</label>
  <select id="month" name="month">${monthOptions(m)}</select></div>
  <div><label for="sort">${esc(t.sort)}</label>
  <select id="sort" name="sort">
    <option value="name"${m.sort === 'name' ? ' selected' : ''}>${esc(t.sortName)}</option>
    <option value="satisfaction"${m.sort === 'satisfaction' ? ' selected' : ''}>${esc(t.sortSatisfaction)}</option>
  </select></div>
  <button type="submit">${esc(t.show)}</button>
</form>
${partial}
${table}
<section class="card" id="how" aria-labelledby="how-title">
<h2 id="how-title">${esc(t.how)}</h2>
<dl>
<dt id="def-responses">${esc(t.responses)}</dt><dd>${esc(t.defResponses)}</dd>
<dt id="def-satisfied">${esc(t.satisfied)} · ${esc(t.average)}</dt><dd>${esc(t.defSatisfied)}</dd>
<dt id="def-on-time">${esc(t.onTime)}</dt><dd>${esc(t.defOnTime(m.complaintSlaDays))}</dd>
<dt id="def-minimum">${esc(t.minimumTerm)}: ${count(m.minResponses, m.lang)}</dt><dd>${esc(t.defMinimum(m.minResponses))}</dd>
</dl>
<p>${esc(t.privacy)}</p>
</section>
<p><a href="/feedback${m.lang === 'en' ? '?lang=en' : ''}">${esc(t.feedback)}</a></p>`;
  return page(m.lang, `${t.title} — ${label}`, body, switchHref, t.switchTo, CSS);
}
