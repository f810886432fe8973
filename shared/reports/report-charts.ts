/**
 * The monthly report's charts, drawn on the server as inline SVG: no script, no external file, so
 * the HTML prints and converts to PDF as it is, and a chart scales with the page (viewBox). Each
 * chart carries role="img" and a text label; the numbers behind it are in the report's tables.
 */

const ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** HTML/SVG text and attribute escaping. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c]!);
}

export const CHANNEL_COLORS: Record<string, string> = {
  web: '#0b4f8a',
  kiosk: '#2e8540',
  sms: '#d4731a',
  telegram: '#5c6bc0',
};
const BAR = '#0b4f8a';
const LINE = '#2e8540';
const GRID = '#d5dbe1';
const AXIS = '#4a5561';

const W = 720;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

/** A round upper bound for an axis: 1, 2, 5 × 10^n. */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const n1 = (v: number) => Math.round(v * 10) / 10;

function frame(label: string, body: string): string {
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}" ` +
    `xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">` +
    `<title>${esc(label)}</title>${body}</svg>`
  );
}

function empty(label: string, noData: string): string {
  return frame(
    label,
    `<rect x="0.5" y="0.5" width="${W - 1}" height="${H - 1}" fill="#f7f9fb" stroke="${GRID}"/>` +
      `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="16" fill="${AXIS}">${esc(noData)}</text>`,
  );
}

/** Day-of-month ticks under the x axis: 1, 5, 10, 15, … */
function dayTicks(days: string[], x: (i: number) => number): string {
  return days
    .map((d, i) => {
      const n = Number(d.slice(8, 10));
      if (n !== 1 && n % 5) return '';
      return `<text x="${n1(x(i))}" y="${H - 8}" text-anchor="middle" font-size="12" fill="${AXIS}">${n}</text>`;
    })
    .join('');
}

function yAxis(ticks: { v: number; label: string }[], y: (v: number) => number): string {
  return ticks
    .map(
      (t) =>
        `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${n1(y(t.v))}" y2="${n1(y(t.v))}" stroke="${GRID}"/>` +
        `<text x="${PAD.left - 6}" y="${n1(y(t.v) + 4)}" text-anchor="end" font-size="12" fill="${AXIS}">${esc(t.label)}</text>`,
    )
    .join('');
}

/** Feedback received per day, as bars. */
export function volumeBars(
  points: { period: string; received: number }[],
  label: string,
  noData: string,
): string {
  const max = Math.max(0, ...points.map((p) => p.received));
  if (!points.length || max === 0) return empty(label, noData);
  const top = niceMax(max);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const band = plotW / points.length;
  const x = (i: number) => PAD.left + band * (i + 0.5);
  const y = (v: number) => PAD.top + plotH * (1 - v / top);
  const ticks = [0, top / 2, top].map((v) => ({ v, label: String(n1(v)) }));
  const bars = points
    .map((p, i) => {
      if (!p.received) return '';
      const h = (plotH * p.received) / top;
      return (
        `<rect x="${n1(PAD.left + band * i + band * 0.15)}" y="${n1(y(p.received))}" ` +
        `width="${n1(band * 0.7)}" height="${n1(h)}" fill="${BAR}"><title>${esc(p.period)}: ${p.received}</title></rect>`
      );
    })
    .join('');
  return frame(
    label,
    yAxis(ticks, y) +
      bars +
      dayTicks(
        points.map((p) => p.period),
        x,
      ),
  );
}

/**
 * The share of rated feedback that was satisfied, per day (0–100 %): a line broken where a day
 * had no rating (no data is not 0 %), a dot on every day that has one, and the month's share dashed.
 */
export function satisfactionLine(
  points: { period: string; satisfiedShare: number | null }[],
  monthShare: number | null,
  label: string,
  noData: string,
  monthLabel: string,
): string {
  if (!points.some((p) => p.satisfiedShare !== null)) return empty(label, noData);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const band = plotW / points.length;
  const x = (i: number) => PAD.left + band * (i + 0.5);
  const y = (v: number) => PAD.top + plotH * (1 - v);
  const ticks = [0, 0.5, 1].map((v) => ({ v, label: `${v * 100}%` }));
  const runs: string[] = [];
  let run: string[] = [];
  points.forEach((p, i) => {
    if (p.satisfiedShare === null) {
      if (run.length > 1) runs.push(run.join(' '));
      run = [];
      return;
    }
    run.push(`${n1(x(i))},${n1(y(p.satisfiedShare))}`);
  });
  if (run.length > 1) runs.push(run.join(' '));
  const lines = runs
    .map((r) => `<polyline points="${r}" fill="none" stroke="${LINE}" stroke-width="2.5"/>`)
    .join('');
  const dots = points
    .map((p, i) =>
      p.satisfiedShare === null
        ? ''
        : `<circle cx="${n1(x(i))}" cy="${n1(y(p.satisfiedShare))}" r="3.5" fill="${LINE}">` +
          `<title>${esc(p.period)}: ${Math.round(p.satisfiedShare * 100)}%</title></circle>`,
    )
    .join('');
  const month =
    monthShare === null
      ? ''
      : `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${n1(y(monthShare))}" y2="${n1(y(monthShare))}" ` +
        `stroke="${AXIS}" stroke-dasharray="6 4"/>` +
        `<text x="${PAD.left + 4}" y="${n1(y(monthShare) - 5)}" font-size="12" fill="${AXIS}">` +
        `${esc(monthLabel)} ${Math.round(monthShare * 100)}%</text>`;
  return frame(
    label,
    yAxis(ticks, y) +
      month +
      lines +
      dots +
      dayTicks(
        points.map((p) => p.period),
        x,
      ),
  );
}

/** The channel mix: one bar split by channel, and a legend with counts and shares. */
export function channelMix(
  channels: { channel: string; received: number }[],
  name: (channel: string) => string,
  label: string,
  noData: string,
): string {
  const total = channels.reduce((s, c) => s + c.received, 0);
  if (!total) return empty(label, noData);
  const h = 110;
  const barW = W - 2;
  let at = 1;
  const segs = channels
    .map((c) => {
      const w = (barW * c.received) / total;
      const seg = `<rect x="${n1(at)}" y="8" width="${n1(w)}" height="36" fill="${CHANNEL_COLORS[c.channel] ?? '#888'}"/>`;
      at += w;
      return seg;
    })
    .join('');
  const legend = channels
    .map((c, i) => {
      const col = i % 2;
      const row = Math.floor(i / 2);
      const lx = 1 + col * (W / 2);
      const ly = 68 + row * 24;
      const share = Math.round((c.received / total) * 100);
      return (
        `<rect x="${lx}" y="${ly - 12}" width="14" height="14" fill="${CHANNEL_COLORS[c.channel] ?? '#888'}"/>` +
        `<text x="${lx + 22}" y="${ly}" font-size="14" fill="#1b1b1b">${esc(name(c.channel))}: ${c.received} (${share}%)</text>`
      );
    })
    .join('');
  const rows = Math.ceil(channels.length / 2);
  return (
    `<svg class="chart chart-mix" viewBox="0 0 ${W} ${h + Math.max(0, rows - 2) * 24}" role="img" ` +
    `aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg"><title>${esc(label)}</title>${segs}${legend}</svg>`
  );
}
