/**
 * The web channel's input: `POST /api/v1/feedback` JSON (docs/api.md "The web form and its JSON API") and the
 * HTML form's fields, validated by one zod schema plus the catalog. Every issue carries a stable
 * `code` so the HTML form can say it in Lao or English.
 */
import { z } from 'zod';
import type { CatalogView } from '../../../shared/catalog/catalog';
import type { FieldIssue } from '../../../shared/errors';
import { TopicCodeSchema } from '../../../shared/intake-envelope.schema';
import { toE164 } from '../../../shared/phone';
import { laoDigitsToAscii, MAX_TEXT_LENGTH } from '../../../shared/text-normalize';

export const WebFeedbackSchema = z
  .object({
    centerCode: z.string({ error: 'required' }).trim().min(1, 'required').max(60, 'invalid'),
    serviceCode: z.string().trim().max(60, 'invalid').optional(),
    rating: z
      .number({ error: 'rating_range' })
      .int('rating_range')
      .min(1, 'rating_range')
      .max(5, 'rating_range')
      .optional(),
    text: z.string({ error: 'invalid' }).max(MAX_TEXT_LENGTH, 'text_too_long').optional(),
    topicCodes: z.array(TopicCodeSchema, { error: 'invalid' }).max(9, 'invalid').optional(),
    contact: z
      .object({
        phone: z.string({ error: 'phone_invalid' }).max(40, 'phone_invalid'),
        consentToContact: z.boolean({ error: 'consent_required' }),
      })
      .strict()
      .optional(),
    anonymous: z.boolean({ error: 'invalid' }).optional(),
    locale: z.enum(['lo', 'en'], { error: 'invalid' }).optional(),
    source: z
      .string({ error: 'invalid' })
      .max(100, 'invalid')
      .regex(/^[\w.-]*$/, 'invalid')
      .optional(),
  })
  .strict();
export type WebFeedbackInput = z.infer<typeof WebFeedbackSchema>;

/** A field issue with a stable code (the form translates it) and an English message. */
export interface CodedIssue extends FieldIssue {
  code: string;
}

const MESSAGES: Record<string, string> = {
  required: 'This field is required.',
  invalid: 'This value is not valid.',
  unknown_field: 'This field is not accepted.',
  unknown_center: 'No service center has this code.',
  unknown_service: 'No service has this code.',
  rating_range: 'The rating must be a whole number from 1 to 5.',
  text_too_long: `The comment is longer than ${MAX_TEXT_LENGTH} characters.`,
  empty_feedback: 'Give a rating or write a comment.',
  phone_invalid:
    'This is not a phone number we can reach (e.g. 020 5555 1234 or +856 20 5555 1234).',
  consent_required:
    'To be contacted, tick the consent box; otherwise leave the phone number empty.',
  anonymous_with_contact: 'Anonymous feedback cannot include a phone number.',
};

function issue(field: string, code: string): CodedIssue {
  return { field, code, message: MESSAGES[code] ?? MESSAGES.invalid! };
}

export interface ValidWebFeedback extends WebFeedbackInput {
  /** E.164 phone when the citizen gave one with consent. */
  phoneE164?: string;
}

/**
 * Meaning checks (catalog codes, phone, consent, "say something"), run on whatever parts of the
 * input have the right type, so that one answer lists every problem, not only the first kind.
 */
function meaningIssues(
  input: Record<string, unknown>,
  catalog: CatalogView,
  out: ValidWebFeedback,
  opts: WebFeedbackOptions,
): CodedIssue[] {
  const issues: CodedIssue[] = [];
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : undefined);
  const center = str(input.centerCode);
  if (center && !catalog.centerByCode.has(center))
    issues.push(issue('centerCode', 'unknown_center'));
  const service = str(input.serviceCode);
  if (service && !catalog.serviceByCode.has(service))
    issues.push(issue('serviceCode', 'unknown_service'));
  const text = str(input.text);
  if (input.rating === undefined && !text) issues.push(issue('rating', 'empty_feedback'));
  const contact = input.contact as { phone?: unknown; consentToContact?: unknown } | undefined;
  if (contact && typeof contact === 'object') {
    if (input.anonymous === true) issues.push(issue('contact', 'anonymous_with_contact'));
    if (opts.declinedContact === 'drop' && contact.consentToContact === false) {
      // No consent: the number is not used, so not checked either; validateWebFeedback drops it.
    } else if (typeof contact.phone === 'string') {
      const e164 = toE164(contact.phone);
      if (!e164) issues.push(issue('contact.phone', 'phone_invalid'));
      else if (contact.consentToContact === false)
        issues.push(issue('contact.consentToContact', 'consent_required'));
      else out.phoneE164 = e164;
    }
  }
  return issues;
}

export interface WebFeedbackOptions {
  /**
   * A phone number sent with `consentToContact: false`: `refuse` (the HTML form: 422
   * consent_required, the citizen ticks the box or clears the number) or `drop` (the JSON API: the
   * feedback is taken without the number and without contact — nothing of it is stored).
   */
  declinedContact?: 'refuse' | 'drop';
}

/** Validates shape (zod), then meaning against the catalog. Returns the parsed value or every issue. */
export function validateWebFeedback(
  input: unknown,
  catalog: CatalogView,
  opts: WebFeedbackOptions = {},
): { ok: true; value: ValidWebFeedback } | { ok: false; issues: CodedIssue[] } {
  const parsed = WebFeedbackSchema.safeParse(input);
  const issues: CodedIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => {
        if (i.code === 'unrecognized_keys') return issue(i.keys.join(', '), 'unknown_field');
        const field = i.path.join('.') || 'body';
        return issue(field, MESSAGES[i.message] ? i.message : 'invalid');
      });
  const value: ValidWebFeedback = parsed.success ? { ...parsed.data } : ({} as ValidWebFeedback);
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const reported = new Set(issues.map((i) => i.field));
    for (const m of meaningIssues(input as Record<string, unknown>, catalog, value, opts)) {
      if (![...reported].some((f) => f === m.field || f.startsWith(`${m.field}.`))) issues.push(m);
    }
  }
  if (issues.length || !parsed.success) return { ok: false, issues };
  if (opts.declinedContact === 'drop' && value.contact?.consentToContact === false) {
    delete value.contact;
    delete value.phoneE164;
  }
  if (value.serviceCode === '') delete value.serviceCode;
  if (value.text !== undefined && value.text.trim() === '') delete value.text;
  return { ok: true, value };
}

/** The HTML form posts strings; turn them into the JSON shape (Lao digits accepted in the rating). */
export function formToInput(form: Record<string, unknown>): Record<string, unknown> {
  const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : undefined);
  const out: Record<string, unknown> = { centerCode: str('centerCode') ?? '' };
  const service = str('serviceCode');
  if (service) out.serviceCode = service;
  const rating = str('rating');
  if (rating)
    out.rating = /^\s*[0-9\u0ED0-\u0ED9]\s*$/.test(rating)
      ? Number(laoDigitsToAscii(rating.trim()))
      : NaN;
  const text = str('text');
  if (text) out.text = text;
  const phone = str('phone')?.trim();
  const consent = str('consent') === 'yes';
  if (phone) out.contact = { phone, consentToContact: consent };
  if (str('anonymous') === 'yes') out.anonymous = true;
  const locale = str('locale');
  if (locale === 'lo' || locale === 'en') out.locale = locale;
  const source = str('source');
  if (source) out.source = source;
  return out;
}
