/** The citizen's status page: a code box and, once a code is given, what became of that feedback. */
import type { CitizenStatus } from '../routes/status.routes';
import { esc, page } from './html';
import { STATUS_LABELS, type Lang } from './strings';

const capitalize = (x: string) => x.charAt(0).toUpperCase() + x.slice(1);

const TEXT = {
  lo: {
    title: 'ກວດເບິ່ງສະຖານະຄຳຄິດເຫັນ',
    label: 'ລະຫັດຕິດຕາມ',
    hint: 'ຕົວຢ່າງ: K7M2Q-9XDR4',
    submit: 'ກວດເບິ່ງ',
    switchTo: 'English',
    status: 'ສະຖານະ',
    receivedAt: 'ໄດ້ຮັບເມື່ອ',
    updatedAt: 'ອັບເດດລ່າສຸດ',
    invalid: 'ລະຫັດຕິດຕາມມີ 10 ຕົວອັກສອນ ແລະ ຕົວເລກ, ຕົວຢ່າງ K7M2Q-9XDR4.',
    not_found: 'ບໍ່ພົບລະຫັດນີ້. ກະລຸນາກວດເບິ່ງລະຫັດອີກຄັ້ງ.',
    feedback: 'ສົ່ງຄຳຄິດເຫັນ',
  },
  en: {
    title: 'Check the status of your feedback',
    label: 'Tracking code',
    hint: 'For example: K7M2Q-9XDR4',
    submit: 'Check',
    switchTo: 'ພາສາລາວ',
    status: 'Status',
    receivedAt: 'Received',
    updatedAt: 'Last update',
    invalid: 'A tracking code is 10 letters and digits, like K7M2Q-9XDR4.',
    not_found: 'This code was not found. Please check it and try again.',
    feedback: 'Give feedback',
  },
} as const;

function when(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'lo' ? 'lo-LA' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Asia/Vientiane',
  }).format(new Date(iso));
}

export function renderStatusPage(
  lang: Lang,
  state: { typed: string; found?: CitizenStatus; problem?: 'invalid' | 'not_found' },
): string {
  const t = TEXT[lang];
  const other: Lang = lang === 'lo' ? 'en' : 'lo';
  const q = new URLSearchParams();
  if (other === 'en') q.set('lang', 'en');
  if (state.typed) q.set('code', state.typed);
  const result = state.found
    ? `<div class="card" role="status"><p>${esc(t.label)}: <strong class="mono">${esc(state.found.trackingCode)}</strong></p>
<p>${esc(t.status)}: <strong data-testid="status">${esc(capitalize(STATUS_LABELS[lang][state.found.status]))}</strong></p>
<p>${esc(t.receivedAt)}: ${esc(when(state.found.receivedAt, lang))}<br>${esc(t.updatedAt)}: ${esc(when(state.found.updatedAt, lang))}</p></div>`
    : state.problem
      ? // A code that cannot be one is not found either (the API's 404), with the format as a hint.
        `<div class="card errors" role="alert"><p>${esc(t.not_found)}</p>${state.problem === 'invalid' ? `<p>${esc(t.invalid)}</p>` : ''}</div>`
      : '';
  const body = `
<h1>${esc(t.title)}</h1>
${result}
<form class="card" method="get" action="/status">
  ${lang === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}
  <label for="code">${esc(t.label)}</label>
  <p class="hint" id="code-hint">${esc(t.hint)}</p>
  <input type="text" id="code" name="code" value="${esc(state.typed)}" autocomplete="off" autocapitalize="characters" spellcheck="false" aria-describedby="code-hint" maxlength="40">
  <button type="submit">${esc(t.submit)}</button>
</form>
<p><a href="/feedback${lang === 'en' ? '?lang=en' : ''}">${esc(t.feedback)}</a></p>`;
  return page(lang, t.title, body, `/status${q.size ? `?${q}` : ''}`, t.switchTo);
}
