/**
 * The made-up texts and the mix of `npm run seed:demo` (demo-data.json), validated once by zod so
 * that a bad edit of the JSON stops the seed with the path of the mistake, not half a database.
 */
import { z } from 'zod';
import raw from './demo-data.json';
import { CHANNELS, TOPIC_CODES } from '../../shared/intake-envelope.schema';
import { FEEDBACK_KINDS } from '../../shared/models/feedback.model';

const weights = z.record(z.string(), z.number().nonnegative());
const bilingual = z.object({ lo: z.string().min(1), en: z.string().min(1) });
const template = bilingual.extend({ topics: z.array(z.enum(TOPIC_CODES)) });
const perLang = z.object({ lo: z.array(z.string()).min(1), en: z.array(z.string()).min(1) });

const DemoDataSchema = z.object({
  channels: z.record(z.enum(CHANNELS), z.number().positive()),
  languages: z.object({ lo: z.number().nonnegative(), en: z.number().nonnegative() }),
  textKinds: z.record(z.enum(FEEDBACK_KINDS), z.number().nonnegative()),
  centers: weights,
  services: weights,
  kioskTopics: z.partialRecord(z.enum(TOPIC_CODES), z.number().nonnegative()),
  kip: z.array(z.string().regex(/^\d{1,3}(,\d{3})*$/)).min(1),
  templates: z.record(z.enum(FEEDBACK_KINDS), z.array(template).min(1)),
  openers: perLang,
  closers: z.record(z.enum(FEEDBACK_KINDS), perLang),
  resolutions: z.array(bilingual).min(1),
  answers: z.array(bilingual).min(1),
  acknowledgements: z.object({
    praise: z.array(bilingual).min(1),
    suggestion: z.array(bilingual).min(1),
    other: z.array(bilingual).min(1),
  }),
});

/** The demo data, as validated. */
export type DemoData = z.infer<typeof DemoDataSchema>;
export type DemoTemplate = z.infer<typeof template>;

export const demoData: DemoData = DemoDataSchema.parse(raw);
