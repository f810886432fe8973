/**
 * The monthly report as one self-contained, printable HTML page (A4): a cover, then one section per
 * page — headline figures against the previous month, the charts (inline SVG), the center league
 * table, top complaint topics per center and per service, overdue complaints, and "you said, we
 * did" with the definitions. No script and no external resource: the fonts are the system's
 * (Noto Sans Lao / Phetsarath OT carry the Lao glyphs; Chromium shapes the stacked vowels and tone
 * marks). Every value is escaped; names come from the catalog in the report's language.
 */
import { formatTrackingCode } from '../tracking-code';
import { VIENTIANE_OFFSET_MS } from '../staff/vientiane-days';
import { monthDays } from './metrics';
import type { MonthlyReportData, ReportScope } from './monthly-report';
import {
  CHANNELS,
  COLUMNS,
  DEFINITIONS,
  METRICS,
  MONTHS,
  pairText,
  tr,
  type MetricKey,
  type ReportLang,
} from './monthly-report.strings';
import { channelMix, esc, satisfactionLine, volumeBars } from './report-charts';
import { REPORT_CSS } from './monthly-report.css';

/** Overdue complaints listed in full; the rest are counted. */
export const OVERDUE_ROWS_MAX = 100;

/** No data (nothing rated, no decided case): never shown as 0 (docs/metrics.md). */
const DASH = '—';
/** "One-door service center": the start of every Lao center name in the catalog. */
const ODSC_LO = 'ສູນບໍລິການຜ່ານປະຕູດຽວ';
const MINUS = '−';

// ---- numbers and dates ----------------------------------------------------------------------

export const fmt = {
  int: (n: number) => n.toLocaleString('en-US'),
  avg: (v: number | null) => (v === null ? DASH : v.toFixed(1)),
  share: (v: number | null) => (v === null ? DASH : `${Math.round(v * 100)}%`),
  days: (v: number | null) => (v === null ? DASH : String(Math.round(v * 10) / 10)),
  signed(v: number, text: string): string {
    return v > 0 ? `+${text}` : v < 0 ? `${MINUS}${text}` : text;
  },
};

/** A change: counts as a difference, averages to one decimal, shares in percentage points. */
export function fmtChange(
  kind: 'int' | 'avg' | 'share' | 'days',
  cur: number | null,
  prev: number | null,
  lang: ReportLang,
): string {
  if (cur === null || prev === null) return DASH;
  const d = cur - prev;
  if (kind === 'int') return fmt.signed(d, fmt.int(Math.abs(d)));
  if (kind === 'share') {
    const pts = Math.round(cur * 100) - Math.round(prev * 100);
    return `${fmt.signed(pts, String(Math.abs(pts)))} ${tr(lang, 'points')}`;
  }
  const r = Math.round(d * 10) / 10;
  return fmt.signed(r, kind === 'avg' ? Math.abs(r).toFixed(1) : String(Math.abs(r)));
}

/** "5 ມີນາ 2025" / "5 March 2025" for a day YYYY-MM-DD. */
export function fmtDay(day: string, lang: ReportLang): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS[lang][m - 1]} ${y}`;
}

export function fmtMonth(month: string, lang: ReportLang): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${MONTHS[lang][m - 1]} ${y}`;
}

/** A moment in Vientiane time: "5 March 2025, 06:00". */
export function fmtMoment(ms: number, lang: ReportLang): string {
  const iso = new Date(ms + VIENTIANE_OFFSET_MS).toISOString();
  return `${fmtDay(iso.slice(0, 10), lang)}, ${iso.slice(11, 16)}`;
}

// ---- names -----------------------------------------------------------------------------------

function namer(data: MonthlyReportData, lang: ReportLang) {
  const pick = (n: { lo: string; en: string } | undefined) =>
    n ? (lang === 'lo' ? n.lo || n.en : n.en || n.lo) : undefined;
  const topicByCode = new Map(data.catalog.topics.map((t) => [t.code, t]));
  const unknown = tr(lang, 'unknown');
  const center = (code: string) =>
    code === '_unknown' ? unknown : (pick(data.catalog.centerByCode.get(code)?.name) ?? code);
  return {
    center,
    /** In tables under a "Center" heading the Lao names drop the words every one starts with. */
    centerShort: (code: string) => {
      const n = center(code);
      return lang === 'lo' && n.startsWith(`${ODSC_LO} `) ? n.slice(ODSC_LO.length + 1) : n;
    },
    service: (code: string) =>
      code === '_unknown' ? unknown : (pick(data.catalog.serviceByCode.get(code)?.name) ?? code),
    topic: (code: string) => pick(topicByCode.get(code)?.name) ?? code,
    province(code: string): string {
      const c = data.catalog.centers.find((x) => x.province === code && x.level === 'province');
      return pick(c?.place) ?? code;
    },
    channel: (code: string) => (CHANNELS[code] ? pairText(lang, CHANNELS[code]) : code),
  };
}
type Names = ReturnType<typeof namer>;

export function scopeText(scope: ReportScope, names: Names, lang: ReportLang): string {
  switch (scope.kind) {
    case 'all':
      return tr(lang, 'allCenters');
    case 'center':
      return names.center(scope.code);
    case 'province':
      return `${tr(lang, 'province')} ${names.province(scope.code)}`;
    case 'centers':
      return scope.codes.map(names.center).join(', ');
  }
}

// ---- sections --------------------------------------------------------------------------------

const num = (v: string) => `<td class="num">${esc(v)}</td>`;

function table(head: string[], rows: string[], numericFrom = 1, cls = ''): string {
  const th = head
    .map((h, i) => `<th scope="col"${i >= numericFrom ? ' class="num"' : ''}>${esc(h)}</th>`)
    .join('');
  return `<div class="scroll"><table class="${cls}"><thead><tr>${th}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function cover(d: MonthlyReportData, lang: ReportLang, names: Names): string {
  const { from, to } = monthDays(d.month);
  const prev = d.figures.previousMonth;
  const contents = (
    ['headline', 'charts', 'centersTitle', 'topTopicsTitle', 'overdueTitle', 'weDidTitle'] as const
  )
    .map((k) => `<li>${esc(tr(lang, k))}</li>`)
    .join('');
  return `<section class="cover" id="cover">
<p class="org">${esc(tr(lang, 'odsc'))}</p>
<h1>${esc(tr(lang, 'title'))}</h1>
<p class="cover-month" data-month="${esc(d.month)}">${esc(fmtMonth(d.month, lang))}</p>
<dl class="facts">
<dt>${esc(tr(lang, 'scope'))}</dt><dd data-scope>${esc(scopeText(d.scope, names, lang))}</dd>
<dt>${esc(tr(lang, 'period'))}</dt><dd>${esc(fmtDay(from, lang))} – ${esc(fmtDay(to, lang))}</dd>
<dt>${esc(tr(lang, 'comparedWith'))}</dt><dd>${esc(fmtMonth(prev, lang))}</dd>
<dt>${esc(tr(lang, 'generated'))}</dt><dd data-generated>${esc(fmtMoment(d.generatedAt, lang))} (${esc(tr(lang, 'vientianeTime'))})</dd>
</dl>
<p class="for">${esc(tr(lang, 'forTaskforce'))}</p>
<h2 class="contents-title">${esc(tr(lang, 'contents'))}</h2>
<ol class="contents">${contents}</ol>
</section>`;
}

type Kind = 'int' | 'avg' | 'share' | 'days';

function headline(d: MonthlyReportData, lang: ReportLang): string {
  const s = d.figures.summary;
  const p = d.figures.previous;
  const rows: [MetricKey, Kind, number | null, number | null][] = [
    ['received', 'int', s.received, p.received],
    ['rated', 'int', s.rated, p.rated],
    ['ratingAvg', 'avg', s.ratingAvg, p.ratingAvg],
    ['satisfiedShare', 'share', s.satisfiedShare, p.satisfiedShare],
    ['complaints', 'int', s.complaints.total, p.complaints.total],
    ['open', 'int', s.complaints.open, p.complaints.open],
    ['overdue', 'int', s.complaints.overdue, p.complaints.overdue],
    ['resolved', 'int', s.complaints.resolved, p.complaints.resolved],
    ['resolvedOnTimeShare', 'share', s.resolvedOnTimeShare, p.resolvedOnTimeShare],
    ['medianFirstReplyDays', 'days', s.medianFirstReplyDays, p.medianFirstReplyDays],
    ['medianResolutionDays', 'days', s.medianResolutionDays, p.medianResolutionDays],
    ['resolutionSatisfactionAvg', 'avg', s.resolutionSatisfactionAvg, p.resolutionSatisfactionAvg],
  ];
  const value = (k: Kind, v: number | null) => (k === 'int' ? fmt.int(v ?? 0) : fmt[k](v));
  const body = rows.map(
    ([key, kind, cur, prev]) =>
      `<tr data-metric="${key}"><th scope="row">${esc(pairText(lang, METRICS[key]))}</th>` +
      `<td class="num cur">${esc(value(kind, cur))}</td><td class="num prev">${esc(value(kind, prev))}</td>` +
      `<td class="num chg">${esc(fmtChange(kind, cur, prev, lang))}</td></tr>`,
  );
  const head = [
    tr(lang, 'figure'),
    `${tr(lang, 'thisMonth')} (${fmtMonth(d.month, lang)})`,
    `${tr(lang, 'prevMonth')} (${fmtMonth(d.figures.previousMonth, lang)})`,
    tr(lang, 'change'),
  ];
  return `<section id="headline"><h2>${esc(tr(lang, 'headline'))}</h2>${table(head, body, 1, 'headline')}</section>`;
}

function charts(d: MonthlyReportData, lang: ReportLang, names: Names): string {
  const noData = tr(lang, 'noData');
  const fig = (title: string, svg: string, id: string) =>
    `<figure id="${id}"><figcaption>${esc(title)}</figcaption><div class="scroll">${svg}</div></figure>`;
  return `<section id="charts"><h2>${esc(tr(lang, 'charts'))}</h2>
${fig(tr(lang, 'volumeChart'), volumeBars(d.figures.series, tr(lang, 'volumeChart'), noData), 'chart-volume')}
${fig(
  tr(lang, 'satisfactionChart'),
  satisfactionLine(
    d.figures.series,
    d.figures.summary.satisfiedShare,
    tr(lang, 'satisfactionChart'),
    noData,
    tr(lang, 'monthLine'),
  ),
  'chart-satisfaction',
)}
${fig(tr(lang, 'channelChart'), channelMix(d.figures.channels, names.channel, tr(lang, 'channelChart'), noData), 'chart-channels')}
</section>`;
}

function centers(d: MonthlyReportData, lang: ReportLang, names: Names): string {
  const rows = d.figures.centers.map(
    (c) =>
      `<tr data-center="${esc(c.centerCode)}"><th scope="row">${esc(names.centerShort(c.centerCode))}</th>` +
      num(fmt.int(c.received)) +
      num(fmtChange('int', c.received, c.received - c.change.received, lang)) +
      num(fmt.avg(c.ratingAvg)) +
      num(fmt.share(c.satisfiedShare)) +
      num(fmt.int(c.complaints)) +
      num(fmt.int(c.overdue)) +
      num(fmt.share(c.resolvedOnTimeShare)) +
      '</tr>',
  );
  const col = (k: keyof typeof COLUMNS) => pairText(lang, COLUMNS[k]);
  const head = [
    tr(lang, 'center'),
    col('received'),
    col('change'),
    col('ratingAvg'),
    col('satisfiedShare'),
    col('complaints'),
    col('overdue'),
    col('resolvedOnTimeShare'),
  ];
  return `<section id="centers"><h2>${esc(tr(lang, 'centersTitle'))}</h2>
<p class="intro">${esc(tr(lang, 'centersIntro'))}</p>${table(head, rows, 1, 'league')}</section>`;
}

function topics(d: MonthlyReportData, lang: ReportLang, names: Names): string {
  const list = (ts: { code: string; complaints: number }[]) =>
    ts.length
      ? `<ol class="topics">${ts.map((t) => `<li data-topic="${esc(t.code)}">${esc(names.topic(t.code))} <span class="n">(${t.complaints})</span></li>`).join('')}</ol>`
      : DASH;
  const block = (
    title: string,
    head: string,
    items: { code: string; topics: { code: string; complaints: number }[] }[],
    name: (c: string) => string,
    attr: string,
  ) => {
    const sorted = [...items].sort(
      (a, b) =>
        (b.topics[0]?.complaints ?? 0) - (a.topics[0]?.complaints ?? 0) ||
        name(a.code).localeCompare(name(b.code)),
    );
    const rows = sorted.map(
      (x) =>
        `<tr data-${attr}="${esc(x.code)}"><th scope="row">${esc(name(x.code))}</th><td>${list(x.topics)}</td></tr>`,
    );
    return `<h3>${esc(title)}</h3>${rows.length ? table([head, tr(lang, 'topics')], rows, 9, 'top-topics') : `<p class="none">${esc(tr(lang, 'noComplaints'))}</p>`}`;
  };
  return `<section id="topics"><h2>${esc(tr(lang, 'topTopicsTitle'))}</h2>
<p class="intro">${esc(tr(lang, 'topTopicsIntro'))}</p>
${block(tr(lang, 'byCenter'), tr(lang, 'center'), d.figures.topTopicsByCenter, names.centerShort, 'center')}
${block(tr(lang, 'byService'), tr(lang, 'service'), d.figures.topTopicsByService, names.service, 'service')}
</section>`;
}

function overdue(d: MonthlyReportData, lang: ReportLang, names: Names): string {
  const all = d.figures.overdue;
  const rows = all.slice(0, OVERDUE_ROWS_MAX).map((o) => {
    const due = new Date(Date.parse(o.dueAt) + VIENTIANE_OFFSET_MS).toISOString().slice(0, 10);
    return (
      `<tr data-code="${esc(o.trackingCode)}"><td class="code">${esc(formatTrackingCode(o.trackingCode))}</td>` +
      `<td>${esc(names.centerShort(o.centerCode))}</td><td>${esc(names.service(o.serviceCode))}</td>` +
      `<td class="nowrap">${esc(fmtDay(due, lang))}</td></tr>`
    );
  });
  const more =
    all.length > OVERDUE_ROWS_MAX
      ? `<p class="more">${esc(tr(lang, 'moreOverdue', { n: all.length - OVERDUE_ROWS_MAX }))}</p>`
      : '';
  const head = [
    tr(lang, 'trackingCode'),
    tr(lang, 'center'),
    tr(lang, 'service'),
    tr(lang, 'dueDate'),
  ];
  return `<section id="overdue"><h2>${esc(tr(lang, 'overdueTitle'))} <span class="count">(${all.length})</span></h2>
<p class="intro">${esc(tr(lang, 'overdueIntro'))}</p>
${rows.length ? table(head, rows, 9, 'overdue') + more : `<p class="none">${esc(tr(lang, 'noneOverdue'))}</p>`}
</section>`;
}

function weDid(d: MonthlyReportData, lang: ReportLang, names: Names): string {
  const items = d.weDid.map((w) => {
    const about = w.topics.length ? w.topics.map(names.topic).join(', ') : tr(lang, 'unknown');
    return `<li class="we-did-item">
<p class="said"><strong>${esc(tr(lang, 'youSaid'))}:</strong> ${esc(tr(lang, 'complaintAbout', { topics: about }))}
<span class="where">— ${esc(tr(lang, 'atService', { service: names.service(w.serviceCode), center: names.center(w.centerCode) }))}</span></p>
<p class="did"><strong>${esc(tr(lang, 'weDid'))}:</strong> <span class="note">${esc(w.note)}</span></p></li>`;
  });
  const defs = DEFINITIONS[lang].map((t) => `<li>${esc(t)}</li>`).join('');
  return `<section id="we-did"><h2>${esc(tr(lang, 'weDidTitle'))}</h2>
<p class="intro">${esc(tr(lang, 'weDidIntro'))}</p>
${items.length ? `<ul class="we-did">${items.join('')}</ul>` : `<p class="none">${esc(tr(lang, 'noneResolved'))}</p>`}
<footer class="definitions"><h2>${esc(tr(lang, 'definitions'))}</h2><ol>${defs}</ol></footer>
</section>`;
}

/** The whole report as one HTML document in one language. */
export function renderMonthlyReport(d: MonthlyReportData, lang: ReportLang): string {
  const names = namer(d, lang);
  const title = `${tr(lang, 'title')} — ${fmtMonth(d.month, lang)} — ${scopeText(d.scope, names, lang)}`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${cover(d, lang, names)}
${headline(d, lang)}
${charts(d, lang, names)}
${centers(d, lang, names)}
${topics(d, lang, names)}
${overdue(d, lang, names)}
${weDid(d, lang, names)}
</main>
</body>
</html>
`;
}
