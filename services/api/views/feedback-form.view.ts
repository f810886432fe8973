/** The citizen web form and its thank-you page: Lao first, works without JavaScript. */
import { formatTrackingCode } from '../../../shared/tracking-code';
import type { CatalogView } from '../../../shared/catalog/catalog';
import type { CenterDoc } from '../../../shared/models/catalog.model';
import type { CodedIssue } from '../channels/web-feedback.schema';
import { esc, page } from './html';
import { STRINGS, type Lang } from './strings';

export interface FormState {
  centerCode?: string;
  serviceCode?: string;
  rating?: string;
  text?: string;
  phone?: string;
  consent?: boolean;
  anonymous?: boolean;
  source?: string;
  idempotencyKey: string;
}

/** The form's address in a language, keeping the QR prefill. */
function formHref(lang: Lang, state: Pick<FormState, 'centerCode' | 'source'>): string {
  const q = new URLSearchParams();
  if (lang === 'en') q.set('lang', 'en');
  if (state.centerCode) q.set('center', state.centerCode);
  if (state.source) q.set('src', state.source);
  const s = q.toString();
  return `/feedback${s ? `?${s}` : ''}`;
}

/** Centers grouped by province: the provincial center first, then its district centers. */
function centerOptions(catalog: CatalogView, lang: Lang, selected?: string): string {
  const groups = new Map<string, CenterDoc[]>();
  for (const c of catalog.centers) {
    const list = groups.get(c.province) ?? [];
    list.push(c);
    groups.set(c.province, list);
  }
  const out: string[] = [];
  for (const [province, centers] of groups) {
    centers.sort((a, b) =>
      a.level === b.level ? a.place.en.localeCompare(b.place.en) : a.level === 'province' ? -1 : 1,
    );
    const head = catalog.centerByCode.get(province);
    const label = head
      ? lang === 'lo'
        ? `${head.place.lo} · ${head.place.en}`
        : head.place.en
      : province;
    out.push(`<optgroup label="${esc(label)}">`);
    for (const c of centers) {
      out.push(
        `<option value="${esc(c.code)}"${c.code === selected ? ' selected' : ''}>${esc(c.name[lang])}</option>`,
      );
    }
    out.push('</optgroup>');
  }
  return out.join('\n');
}

function fieldError(issues: CodedIssue[], field: string, lang: Lang): string {
  const hit = issues.find((i) => i.field === field || i.field.startsWith(`${field}.`));
  if (!hit) return '';
  return `<p class="field-error" id="err-${esc(field)}">${esc(STRINGS[lang].errors[hit.code] ?? STRINGS[lang].errors.invalid)}</p>`;
}

/** Where each issue's field is on the form (JSON field names differ from form names). */
const FIELD_OF: Record<string, string> = {
  centerCode: 'centerCode',
  serviceCode: 'serviceCode',
  rating: 'rating',
  text: 'text',
  contact: 'phone',
  'contact.phone': 'phone',
  'contact.consentToContact': 'consent',
};

export function renderFeedbackForm(
  catalog: CatalogView,
  lang: Lang,
  state: FormState,
  issues: CodedIssue[] = [],
): string {
  const s = STRINGS[lang];
  const mapped = issues.map((i) => ({ ...i, field: FIELD_OF[i.field] ?? i.field }));
  const describedBy = (f: string) =>
    mapped.some((i) => i.field === f) ? ` aria-invalid="true" aria-describedby="err-${f}"` : '';
  const summary = mapped.length
    ? `<div class="card errors" role="alert" tabindex="-1" id="error-summary"><h2>${esc(s.errorsTitle)}</h2><ul>${mapped
        .map(
          (i) =>
            `<li><a href="#${esc(i.field)}">${esc(s.errors[i.code] ?? s.errors.invalid)}</a></li>`,
        )
        .join('')}</ul></div>`
    : '';
  const ratings = s.ratings
    .map(
      (label, i) =>
        `<label><input type="radio" name="rating" value="${i + 1}" aria-label="${i + 1} – ${esc(label)}"${state.rating === String(i + 1) ? ' checked' : ''}${
          i === 0 ? ' id="rating"' : ''
        }><span class="n" aria-hidden="true">${i + 1}</span><span aria-hidden="true">${esc(label)}</span></label>`,
    )
    .join('');
  const services = catalog.services
    .map(
      (sv) =>
        `<option value="${esc(sv.code)}"${sv.code === state.serviceCode ? ' selected' : ''}>${esc(sv.name[lang])}</option>`,
    )
    .join('');
  const body = `
<h1>${esc(s.title)}</h1>
<p>${esc(s.intro)}</p>
${summary}
<form class="card" method="post" action="/feedback${lang === 'en' ? '?lang=en' : ''}" novalidate>
  <input type="hidden" name="idempotencyKey" value="${esc(state.idempotencyKey)}">
  <input type="hidden" name="locale" value="${lang}">
  <input type="hidden" name="source" value="${esc(state.source ?? '')}">
  <label for="centerCode">${esc(s.center)}</label>
  ${fieldError(mapped, 'centerCode', lang)}
  <select id="centerCode" name="centerCode" required${describedBy('centerCode')}>
    <option value="">${esc(s.choose)}</option>
    ${centerOptions(catalog, lang, state.centerCode)}
  </select>
  <label for="serviceCode">${esc(s.service)}</label>
  ${fieldError(mapped, 'serviceCode', lang)}
  <select id="serviceCode" name="serviceCode"${describedBy('serviceCode')}>
    <option value="">${esc(s.serviceNone)}</option>
    ${services}
  </select>
  <fieldset${describedBy('rating')}>
    <legend>${esc(s.rating)}</legend>
    ${fieldError(mapped, 'rating', lang)}
    <div class="ratings">${ratings}</div>
  </fieldset>
  <label for="text">${esc(s.text)}</label>
  <p class="hint" id="text-hint">${esc(s.textHint)}</p>
  ${fieldError(mapped, 'text', lang)}
  <textarea id="text" name="text" maxlength="4000" aria-describedby="text-hint">${esc(state.text ?? '')}</textarea>
  <fieldset>
    <legend>${esc(s.contactLegend)}</legend>
    <label for="phone">${esc(s.phone)}</label>
    <p class="hint" id="phone-hint">${esc(s.phoneHint)}</p>
    ${fieldError(mapped, 'phone', lang)}
    <input type="tel" id="phone" name="phone" inputmode="tel" autocomplete="tel" value="${esc(state.phone ?? '')}" aria-describedby="phone-hint">
    ${fieldError(mapped, 'consent', lang)}
    <label class="check"><input type="checkbox" id="consent" name="consent" value="yes"${state.consent ? ' checked' : ''}> <span>${esc(s.consent)}</span></label>
    <label class="check"><input type="checkbox" id="anonymous" name="anonymous" value="yes"${state.anonymous ? ' checked' : ''}> <span>${esc(s.anonymous)}</span></label>
    <p class="hint">${esc(s.privacy)}</p>
  </fieldset>
  <button type="submit">${esc(s.submit)}</button>
</form>`;
  return page(lang, s.title, body, formHref(lang === 'lo' ? 'en' : 'lo', state), s.switchTo);
}

export function renderThanks(
  lang: Lang,
  trackingCode: string,
  state: Pick<FormState, 'centerCode' | 'source'>,
): string {
  const s = STRINGS[lang];
  const again = formHref(lang, state);
  const body = `
<div class="card" role="status">
  <h1>${esc(s.thanksTitle)}</h1>
  <p>${esc(s.thanks)}</p>
  <p>${esc(s.code)}:</p>
  <p class="code" data-testid="tracking-code">${esc(formatTrackingCode(trackingCode))}</p>
  <p>${esc(s.keepCode)}</p>
  <a class="button" href="/status?${esc(new URLSearchParams({ ...(lang === 'en' ? { lang } : {}), code: formatTrackingCode(trackingCode) }).toString())}">${esc(s.checkStatus)}</a>
  <a class="button" href="${esc(again)}">${esc(s.another)}</a>
</div>`;
  return page(lang, s.thanksTitle, body);
}

export function renderUnavailable(lang: Lang, backHref: string): string {
  const s = STRINGS[lang];
  return page(
    lang,
    s.unavailableTitle,
    `<div class="card errors" role="alert"><h1>${esc(s.unavailableTitle)}</h1><p>${esc(s.unavailable)}</p><a class="button" href="${esc(
      backHref,
    )}">${esc(s.tryAgain)}</a></div>`,
  );
}
