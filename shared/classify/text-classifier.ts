/**
 * Free-text classification: center, service, topics, kind and sentiment from a citizen's message
 * in Lao, English, romanised Lao or a mix. Every field carries a confidence and the method that
 * decided it; explicit values from a form, the bot or a kiosk always win; phrases staff taught it
 * (learned aliases) win over keywords. The same code serves the worker and `npm run classify`.
 */
import type { CatalogView } from '../catalog/catalog';
import type { Classified, FeedbackKind } from '../models/feedback.model';
import { fold, isLaoChar } from './fold';
import { extractKipAmounts } from './money';
import {
  BAD_WHEN_MENTIONED,
  CONTRAST,
  EMOJI_POLARITY,
  EVERYDAY_SERVICE_TERMS,
  EXTRA_PLACE_TERMS,
  WHOLE_WORD_PLACES,
  NEGATORS_EN,
  NEGATORS_LO,
  POLARITY,
  PROVINCE_WORDS,
  FUZZY_STOPWORDS,
  QUESTION_EN,
  QUESTION_LO,
  SERVICE_TERMS,
  SUGGESTION_EN,
  SUGGESTION_LO,
  TOPIC_TERMS,
  type TopicCode,
} from './lexicon';
import { PhraseIndex, prepareText, type Hit } from './phrase-index';
import { combine, policyOf } from './combine';
import { kindCues } from './cues';
import { featureIds, type FeatureIds, type RuleSignals } from './features';
import type { ClassifierModel } from './model';

/** Below this confidence a field is left for people (needsTriage). */
export const TRIAGE_THRESHOLD = 0.6;

export interface TextClassification {
  center: Classified;
  service: Classified;
  topics: Classified[];
  kind: Classified;
  sentiment: number;
  /**
   * The topic combine.ts gave only because a complaint or question needs one (none passed its
   * threshold): where the citizen chose topics themselves, the intake leaves it out.
   */
  topicFromKind?: string;
}

/** A phrase staff taught: folded phrase → code, for the center or the service field. */
export interface LearnedAlias {
  field: 'center' | 'service';
  phrase: string;
  code: string;
}

type Target = { field: 'center' | 'service'; code: string; learned?: boolean };
type Cue = 'question' | 'suggestion' | 'province' | 'contrast';

const none: Classified = { code: null, confidence: 0, method: 'none' };

function buildIndexes(catalog: CatalogView, learned: LearnedAlias[]) {
  const names = new PhraseIndex<Target>();
  const add = (phrase: string, t: Target, fuzzy = false) => names.add(fold(phrase), t, { fuzzy });
  for (const c of catalog.centers) {
    const t: Target = { field: 'center', code: c.code };
    const latin = [c.place.en, ...c.aliases.filter((a) => !/[\u0E80-\u0EFF]/.test(a))];
    // "Vientiane" alone means the capital; the province needs the word province/ແຂວງ (see below).
    for (const a of latin) if (fold(a) !== 'vientiane') add(a, t, true);
    for (const a of [c.place.lo, ...c.aliases.filter((x) => /[\u0E80-\u0EFF]/.test(x))]) {
      if (c.code !== 'LA-VI') add(a, t);
      // "ເມືອງໄຊເສດຖາ" is district Xaysettha, not the town "ເມືອງໄຊ" (Oudomxay) and a remainder:
      // the whole "district + name" must be a phrase, so the longest match from its start wins.
      if (c.level === 'district') add(`ເມືອງ${a}`, t);
    }
    for (const town of c.towns) {
      add(town.en, t, true);
      add(town.lo, t);
    }
  }
  for (const [code, terms] of Object.entries(EXTRA_PLACE_TERMS)) {
    if (catalog.centerByCode.has(code))
      for (const term of terms) add(term, { field: 'center', code }, term.length > 5);
  }
  for (const s of catalog.services) {
    const t: Target = { field: 'service', code: s.code };
    add(s.name.lo, t);
    for (const a of s.aliases) add(a, t);
    add(s.name.en, t);
    for (const term of SERVICE_TERMS[s.code] ?? []) add(term, t);
    for (const term of EVERYDAY_SERVICE_TERMS[s.code] ?? []) add(term, t);
  }
  for (const l of learned)
    names.add(fold(l.phrase), { field: l.field, code: l.code, learned: true });

  const topics = new PhraseIndex<TopicCode>();
  for (const [code, terms] of Object.entries(TOPIC_TERMS) as [TopicCode, string[]][]) {
    for (const term of terms) topics.add(fold(term), code);
  }
  const polarity = new PhraseIndex<number>();
  for (const [term, p] of Object.entries(POLARITY)) if (p) polarity.add(fold(term), p);
  const negators = new PhraseIndex<true>();
  for (const n of [...NEGATORS_LO, ...NEGATORS_EN]) negators.add(fold(n), true);
  const cues = new PhraseIndex<Cue>();
  for (const q of CONTRAST) cues.add(fold(q), 'contrast');
  for (const q of [...QUESTION_LO, ...QUESTION_EN]) cues.add(fold(q), 'question');
  for (const q of [...SUGGESTION_LO, ...SUGGESTION_EN]) cues.add(fold(q), 'suggestion');
  for (const q of PROVINCE_WORDS) cues.add(fold(q), 'province');
  return { names, topics, polarity, negators, cues };
}

/** "I" / "we" in Lao; romanised "I live in" (also "I am at"): shared with IS_AT_BEFORE. */
const I_LO = '(?:ຂ້ອຍ|ເຮົາ|ພວກເຮົາ|ຂ້າພະເຈົ້າ)';
const I_LIVE_RO = '(?:khoy|khoi|koy) (?:yu|you)';
/** Romanised "staff" (ເຈົ້າໜ້າທີ່, ພະນັກງານ): what they do at a place names it as the center. */
const STAFF_RO = '(?:jao ?na ?thi|jao ?nathy|phanak ?ngan|pha nak ngan)';
/** The end of a "not where served" form: an optional ເມືອງ / ແຂວງ / district… before the place. */
const PLACE_WORD_AT_END = String.raw`\s*(?:ເມືອງ|ແຂວງ|ບ້ານ|[ມຂບ]\.\s*|district |province )?$`;
/**
 * The family book kept elsewhere, after where the writer lives, was born or someone died, in the
 * same sentence ("ຂ້ອຍຢູ່ຫຼວງພະບາງ ແຕ່ສຳມະໂນຄົວຢູ່ …"); alone, "ແຕ່ສຳມະໂນຄົວຢູ່ X" names the
 * family-book desk at X.
 */
const FAMILY_BOOK_ELSEWHERE = String.raw`(?:${I_LO}\s*(?:ອາໄສ\s*)?ຢູ່|ເຮືອນ\s*ຢູ່|ເສຍ(?:ຊີວິດ)?\s*ຢູ່|ເກີດ\s*ຢູ່)[^.?!]{1,30}?ແຕ່\s*(?:ປ[ຶື]້ມ\s*)?ສໍາມະໂນ\s*ຄົວ\s*(?:ຍັງ\s*)?ຢູ່`;
/**
 * Where a place is named but is not where the citizen was served (docs/labelling.md, "Center"):
 * where they live, were born or come from ("ຂ້ອຍຢູ່ບ້ານໂພນຕ້ອງ ເມືອງຈັນທະບູລີ", "ມາຈາກ ຫ້ວຍຊາຍ",
 * "ມາແຕ່ຜົ້ງສາລີ", "ເກີດປີ1975ຢູ່ຫົວພັນ", an address "ບ້ານນາໂພ ເມືອງຊຳເໜືອ", "we are from Sekong",
 * "living in Sisattanak", "ເມຍຂ້ອຍເປັນຄົນສາລະວັນ", "ເກີດຢູ່ອັດຕະປື ແຕ່ດຽວນີ້ຢູ່ນະຄອນຫຼວງ" but now
 * living in, "ມາຢູ່ນຳລູກທີ່ປາກເຊ" came to live with a child in, "I'm from Sekong",
 * "khoy yu Naxaithong" (romanised "I live in"), "khoy pen khon Sekong" (romanised ເປັນຄົນ),
 * "ma jak Sekong" (ມາຈາກ), "my mum in Savannakhet", "my friend in Savan", "volunteering in Xam
 * Neua", "i live xaythany"; not ແຈ້ງເກີດຢູ່ "registered a birth at"), where the family book is
 * kept (FAMILY_BOOK_ELSEWHERE), where a property lies ("my parents' house in Hadxaifong"), and ແປກ
 * as the word "strange" (ແປກໃຈ, ແປກແທ້, "ຈົນແປກໃຈ") rather than Pek. Folded text.
 */
const LIVES_OR_FROM_BEFORE = new RegExp(
  String.raw`(?:(?<!ຂອງ\s*)(?<!ຂອງ\s*ພວກ)${I_LO}\s*(?:ຢູ່|ອາໄສຢູ່|ມາຈາກ)(?:\s*(?:ບ້ານ|ເມືອງ|[ບມ]\.)\s*\S{1,15}\s+)?|ທະບຽນບ້ານ\s*ຢູ່|${FAMILY_BOOK_ELSEWHERE}|ພໍ່ແມ່(?:ຂ້ອຍ)?ຢູ່|ມາຈາກ|ມາແຕ່|ແຕ່\s*(?:ດຽວນີ້|ຕອນນີ້)\s*(?:ອາໄສ)?ຢູ່|ມາຢູ່ນໍາ\s*\S{1,12}\s*ທີ່|(?<!ແຈ້ງ|ໃບ)ເກີດ(?:ປີ\s*\d{2,4}\s*)?ຢູ່|ເປັນຄົນ|(?:^|\s)ບ້ານ(?:(?!ສູນ|ໄປ|ມາ|ເຮັດ|ແລ້ວ|ເອົາ)\S){1,15}(?:\s+|\s*ເມືອງ)|ຢູ່ບ້ານ(?:(?!ສູນ|ໄປ|ມາ|ເຮັດ|ແລ້ວ|ເອົາ)\S){1,15}(?:\s+|ເມືອງ|ແຂວງ)(?:ເມືອງ|ແຂວງ)?|ບ້ານເກີດ(?:ຢູ່)?|(?:^|[\s,.;:(])(?:(?:i|we|they|he|she|family|parents) (?:live|lived|lives|living|stay|stays|staying)(?: in)? |(?:living|based|residing|born|raised) in |(?:live|lives|living|stay|staying|am|are|is|i['’]m|im|come|came|comes|moved) from |(?:house|home|farm|land|plot|village|factory|field|fields|family) (?:is )?in |(?:from|in) (?:the )?(?:village|province) of |my (?:mum|mom|mother|father|dad|parents|friend|cousin|sister|brother|uncle|aunt|auntie|wife|husband|son|daughter|grandma|grandmother|grandpa|grandfather|relatives?) (?:is |are |lives |live |lived |living )?in |(?:volunteering|studying|teaching) in |(?<!(?:khong|kong|khorng) )${I_LIVE_RO} |(?:pen|bpen) khon |ma (?:jak|jaak|chak|chaak|tae) ))${PLACE_WORD_AT_END}`,
);
/**
 * After ແປກ, the word "strange": ແປກໃຈ "surprised", ແປກແທ້, ແປກໆ, ແປກປະຫລາດ, ແປກໜ້າ "stranger"
 * (folded, ໜ is ຫນ).
 */
const STRANGE_AFTER = /^(?:ໃຈ|ແທ້|ໆ|ປະຫລາດ|ຫນ້າ)/;

/**
 * Other places that are not where the writer is served, unless a center word follows the place
 * ("… working in Pakse center"): where the writer works ("I'm from Sekong but I work in Vientiane",
 * "I am a Thai national working in", "ມາເຮັດວຽກຢູ່ນະຄອນຫຼວງ"; the writer's own work only: "staff
 * working in Pakse", "ພະນັກງານມາເຮັດວຽກຊ້າຢູ່ປາກເຊ" still name it), studies ("study in vte", "I'm
 * a student in Luang Prabang"), the area of the writer's NGO or a volunteer's, land one has, sells
 * or buys ("ມີດິນຢູ່ປາກງື່ມ", "sue din yu Bokeo"), a stall at a market ("ຂາຍເຄື່ອງຍ່ອຍ
 * ຢູ່ຕະຫຼາດຫ້ວຍຊາຍ", "khai phak yu talat"; not "the ODSC near the market"), a hospital where someone
 * was born or died ("died in a hospital in Vientiane", "ໂຮງໝໍມິດຕະພາບ ໃນນະຄອນຫຼວງ", "hong mo Savan").
 * Folded text (ຫຼ is ຫລ, ໜ is ຫນ, ໝ is ຫມ).
 */
const ELSEWHERE_BEFORE = new RegExp(
  String.raw`(?:(?:${I_LO}\s*|(?<!(?:ພະນັກງານ|ເຈົ້າຫນ້າທີ່|ພນງ|ບໍ່)\s*)(?:ມາ|ແຕ່)\s*)ເຮັດວຽກ\S{0,8}\s*ຢູ່\s*(?:ໃນ)?|(?:ມີ|ຂາຍ|ຊື້)\s*(?:ທີ່)?ດິນ\S{0,8}\s*ຢູ່\s*(?:ໃນ)?|(?:ຂາຍ\S{0,12}|ຮ້ານ\S{0,10}|ແມ່ຄ້າ|ພໍ່ຄ້າ)\s*ຢູ່\s*ຕະຫລາດ|ໂຮງຫມໍ\S{0,16}\s*(?:ໃນ|ຢູ່)?\s*|(?:^|[\s,.;:(])(?:(?:volunteers?|volunteer [a-z]+) in |study in |(?:i['’]m|im|i am) an? (?:[a-z]+ )?student in |(?:i|we)(?: am| are|['’]m)?(?: also| now| currently| still)?(?: an?)?(?: [a-z]+ (?:national|citizen|expat|trader|worker))? (?:work|working) in |(?:i['’]m|im) (?:also |now |still )?working in |but (?:i )?(?:now )?(?:work|working) in |our ngo(?: [a-z]+){0,4} in |ngo staff (?:working |based )?in |(?:mi|sue|khai|khay|kai) din yu |(?<!(?:${STAFF_RO}|bo|bor|baw) )(?:khoy|koy|khoi|ma|kor|ko) (?:het|hed) (?:viak|wiak|wiek)(?: [a-z]+){0,4} (?:yu|you) |(?:khoy|koy|khoi|ma) (?:het|hed) ngan (?:yu|you) |from [a-z]+(?: [a-z]+)?, (?:now )?working in |(?:travelling|traveling|on holiday|on vacation) in |(?:father|mother|mum|mom|dad|husband|wife|son|daughter|uncle|aunt|auntie|brother|sister|grand[a-z]+|parents?|relatives?|cousin|he|she|who|person|someone)(?: [a-z]+){0,2} (?:died|passed away)(?: [a-z0-9]+){0,4} (?:in|at) |hospital (?:[a-z]+ )?in |(?:hong|hông) ?mor? |(?<!(?:${STAFF_RO}|soun|sun|odsc|unit|team) )khai(?: [a-z]+){0,3} yu tala[td] ))${PLACE_WORD_AT_END}`,
);

/**
 * The text from `from` to `to` around a hit. `t` is the folded text; `chars` its code points. The
 * phrase index gives Lao hits (and the whole-word places) in code points and Latin hits in UTF-16
 * code units (words found by a regular expression over the string), so the text is cut in the unit
 * of the hit.
 */
function cutAround(t: string, chars: string[], h: Hit<Target>, from: number, to: number): string {
  return !/[\u0E80-\u0EFF]/.test(h.phrase)
    ? t.slice(Math.max(0, from), to)
    : chars.slice(Math.max(0, from), to).join('');
}

/** Right after a place: it is named as a center or office ("Pakse ODSC", "Savannakhet center"). */
const CENTER_AFTER = /^\s*(?:odsc|one[ -]door|center|centre|office|ສູນ)/;
/**
 * The forms of LIVES_OR_FROM_BEFORE that also mean "is at" (ຢູ່, "khoy yu", "my mother in"): with
 * a center named right after the place, the writer (or their relative) is at that center.
 */
const IS_AT_BEFORE = new RegExp(
  String.raw`(?:${I_LO}\s*ຢູ່|${I_LIVE_RO}|my [a-z]+ (?:is |are )?in)\s*$`,
);
/** Before "capital center": a province's or district's capital, not Vientiane Capital. */
const OTHER_CAPITAL_BEFORE = /(?:provincial|province|district|ແຂວງ|ເມືອງ)\s*$/;

/**
 * "in / near the Savannakhet SEZ": where a plant or site lies, not a center. ("Savan SEZ investor"
 * with no "in the" before it is labelled the Savan center.)
 */
const SEZ_AFTER = /^\s*(?:province\s*)?(?:sez\b|special economic zone|ເຂດເສດຖະກິດພິເສດ)/;
/** Right after ເຂດເສດຖະກິດ(ພິເສດ) "the (special) economic zone of": the zone, not the center. */
const SEZ_BEFORE = /ເຂດເສດຖະກິດ(?:ພິເສດ)?\s*$/;
const TITLE_BEFORE = /(?:^|[\s,.(])(?:mr|mrs|ms|miss|dr|nang|thao|ທ້າວ|ນາງ)\.?\s*$/;
const IN_THE_BEFORE = /(?:^|\s)(?:in|near|inside) the\s*$|ຢູ່\s*(?:ເຂດ)?\s*$/;

/** `before`: the 60 characters before the hit (cutAround). */
function notAServedPlace(t: string, chars: string[], h: Hit<Target>, before: string): boolean {
  if (h.phrase.startsWith('capital') && OTHER_CAPITAL_BEFORE.test(before)) return true;
  if (
    h.phrase === 'ແປກ' &&
    !/(?:ສູນ|ເມືອງ|ຢູ່)\s*$/.test(before) &&
    (STRANGE_AFTER.test(cutAround(t, chars, h, h.end, h.end + 8)) || /ຈົນ\s*$/.test(before))
  )
    return true;
  // A person's name after a title ("Mrs Phonesavanh", ນາງ ສະຫວັນ) is not a place.
  if (TITLE_BEFORE.test(before)) return true;
  // A place in a special economic zone, named after the zone or before it, is the zone's.
  if (
    SEZ_BEFORE.test(before) ||
    (IN_THE_BEFORE.test(before) && SEZ_AFTER.test(cutAround(t, chars, h, h.end, h.end + 30)))
  )
    return true;
  if (ELSEWHERE_BEFORE.test(before))
    return !CENTER_AFTER.test(cutAround(t, chars, h, h.end, h.end + 12));
  if (!LIVES_OR_FROM_BEFORE.test(before)) return false;
  return !(
    IS_AT_BEFORE.test(before) && CENTER_AFTER.test(cutAround(t, chars, h, h.end, h.end + 12))
  );
}

/** A center, an office or an ODSC named anywhere (folded text; romanised soun / sun). */
const CENTER_WORD = /ສູນ|ຫ້ອງການ|odsc|one[ -]?door|cent(?:er|re)|office|\b(?:soun|sun)\b/;
/** A business one opens or invests in: Lao, English, romanised. */
const BUSINESS_LO = '(?:ຮ້ານ|ໂຮມສະເຕ|ບໍລິສັດ|ໂຮງແຮມ|ເກສ|ເຮືອນພັກ|ທຸລະກິດ|ຟາມ|ໂຮງງານ|ສວນ|ສະປາ|ຄາເຟ|ກິດຈະການ)';
const BUSINESS_EN =
  '(?:shop|store|business|company|firm|restaurant|cafe|café|coffee shop|bakery|bar|guesthouse|guest house|homestay|hotel|factory|farm|plantation|clinic|spa|salon|garage|workshop|mine)';
/**
 * What a question is about when its place is where a business or a family is (rules, above): a
 * business the writer wants to open or invest in, or a move (ຍ້າຍ… ມາ / ໄປ, "moved from / to").
 */
const PLACE_NOT_SERVICE_QUESTION = new RegExp(
  String.raw`(?:ຢາກ|ຄິດ|ຈະ|ວາງແຜນ)\s*(?:ລົງທຶນ|ເປີດ\s*${BUSINESS_LO})|(?:ຢາກ|ຄິດ|ວາງແຜນ)\s*(?:ຈະ\s*)?ເປີດ\s*(?!(?:[a-z]+ )?(?:app|play) store|one stop|bar ?code|business (?:counter|registration|licen[cs]e|account|service))(?:[a-z]+ ){0,2}${BUSINESS_EN}\b|(?<!(?:ພະນັກງານ|ເຈົ້າຫນ້າທີ່|ພນງ|ສູນ)\s*)ຍ້າຍ\s*(?:ສໍາມະໂນຄົວ|ສໍາມະໂນ\s*ຄົວ|ປຶ້ມ|ຊື່|ບ້ານ|ເຮືອນ|ຄອບຄົວ|ທະບຽນ|ວຽກ)?\S{0,20}\s*(?:ຈາກ|ມາ|ໄປ)|\bwants? invest\b|\b(?:want|wants|plan|planning|plans|hope|hoping|going|would like) to (?:invest\b|(?:open|start|set up|run)(?: [a-z]+){0,3} ${BUSINESS_EN}\b)|\bopening (?:a|an|my|our)(?: [a-z]+){0,3} ${BUSINESS_EN}\b|(?:^|[.!?]\s*|\b(?:i|we|family|parents) (?:just )?)mov(?:e|ed|ing) (?:from|to)\b|\b(?:yak|nyak|ja)(?: (?!hai\b)[a-z]+){0,2} long theun\b|\b(?:yak|nyak|ja) (?:perd|poed|peut) (?:ran|bolisat|hong ham|guesthouse|farm|suan)\b`,
);
/** Directly after ສູນ / "ODSC in" / "center of": the place is named as the center. */
const AT_CENTER_BEFORE = /(?:ສູນ(?:ບໍລິການ\S*)?|(?:odsc|center|centre|office) (?:in|of|at) )\s*$/;
/** Directly after ຈາກ / "from": where a move, a transfer or a paper comes from. */
const FROM_BEFORE = /(?:ຈາກ|(?:^|[\s,.;:(])from )\s*(?:ແຂວງ|ເມືອງ|district |province )?$/;

const laoWords = new Intl.Segmenter('lo', { granularity: 'word' });
const WHOLE_WORD_TERMS = Object.keys(WHOLE_WORD_PLACES);

/**
 * Hits of the short place terms that count only as words of their own (lexicon WHOLE_WORD_PLACES),
 * found with ICU's Lao word segmenter; positions in code points, like the phrase index's Lao hits.
 * Costs nothing for a text that does not contain one of them.
 */
function wholeWordPlaces(t: string): Hit<Target>[] {
  if (!WHOLE_WORD_TERMS.some((w) => t.includes(w))) return [];
  const out: Hit<Target>[] = [];
  for (const seg of laoWords.segment(t)) {
    const code = WHOLE_WORD_PLACES[seg.segment];
    if (!code) continue;
    const start = Array.from(t.slice(0, seg.index)).length;
    out.push({
      value: { field: 'center', code },
      phrase: seg.segment,
      start,
      end: start + Array.from(seg.segment).length,
      distance: 0,
    });
  }
  return out;
}

export class TextClassifier {
  private indexes: ReturnType<typeof buildIndexes>;

  constructor(
    private readonly catalog: CatalogView,
    learned: LearnedAlias[] = [],
    /** The learned model; without it the rules alone decide (as before the model existed). */
    readonly model: ClassifierModel | null = null,
  ) {
    this.indexes = buildIndexes(catalog, learned);
  }

  /** The same rules and learned phrases with another model (indexes are shared, not rebuilt). */
  withModel(model: ClassifierModel | null): TextClassifier {
    const c = Object.create(TextClassifier.prototype) as TextClassifier;
    Object.assign(c, this, { model });
    return c;
  }

  /** Rebuilds the indexes with a new set of learned aliases. */
  setLearned(learned: LearnedAlias[]): void {
    this.indexes = buildIndexes(this.catalog, learned);
  }

  /** Rules first; with a model, the model decides where the rules are silent or weak (combine.ts). */
  classify(text: string): TextClassification {
    const t = fold(text);
    const r = this.rules(t, text);
    if (!this.model) return r.result;
    return combine(
      r.result,
      this.model.predict(featureIds(t, r.signals, true)),
      policyOf(this.model),
    );
  }

  /** What the rules alone say, and the signals the model reads from them. */
  rulesWithSignals(text: string): { result: TextClassification; signals: RuleSignals } {
    return this.rules(fold(text), text);
  }

  /** The features the model sees for a message (rules included), as ids. */
  features(text: string): FeatureIds {
    const t = fold(text);
    return featureIds(t, this.rules(t, text).signals, true);
  }

  private rules(t: string, text: string): { result: TextClassification; signals: RuleSignals } {
    const { names, topics, polarity, negators, cues } = this.indexes;
    // Characters and words are split once for the five indexes.
    const pt = prepareText(t);
    const nameHits = names.find(pt, { fuzzy: true, stopwords: FUZZY_STOPWORDS });
    const cueHits = cues.find(pt);
    const negHits = negators.find(pt);

    const center = this.pickCenter(
      t,
      [...nameHits.filter((h) => h.value.field === 'center'), ...wholeWordPlaces(t)],
      cueHits,
    );
    const service = this.pickService(nameHits.filter((h) => h.value.field === 'service'));

    // A word is negated when a Lao negator is written right before it (ບໍ່ສຸພາບ), or an English one
    // stands at most two words before it ("not very polite", "no bribe").
    const negated = (h: Hit<unknown>) =>
      negHits.some((n) => {
        if (n.end > h.start) return false;
        if (n.end === h.start) return true;
        if (isLaoChar(n.phrase[0]!)) return false;
        const between = t.slice(n.end, h.start).trim();
        return (
          !/[\u0E80-\u0EFF]/.test(between) && (between === '' || between.split(' ').length <= 2)
        );
      });

    const topicHits = topics.find(pt);
    const topicCodes = new Map<TopicCode, number>();
    for (const h of topicHits) topicCodes.set(h.value, (topicCodes.get(h.value) ?? 0) + 1);
    // A sum of money is about fees (informal payments are found by their own words).
    if (extractKipAmounts(t).length && !topicCodes.has('fees')) topicCodes.set('fees', 1);
    const topicList: Classified[] = [...topicCodes].map(([code, n]) => ({
      code,
      confidence: Math.min(0.95, 0.6 + 0.15 * n),
      method: 'keyword',
    }));

    // Polarity: negation flips a word; after "but"/ແຕ່ the clause counts double; some topics are
    // bad news by being mentioned at all.
    const contrastAt = cueHits.filter((h) => h.value === 'contrast').map((h) => h.end);
    const weight = (h: Hit<unknown>) => (contrastAt.some((c) => h.start >= c) ? 2 : 1);
    let neg = 0;
    let pos = 0;
    const addPolarity = (p: number, w: number) => {
      if (p < 0) neg -= p * w;
      else pos += p * w;
    };
    const polarHits = polarity.find(pt);
    for (const h of polarHits) addPolarity(negated(h) ? -h.value : h.value, weight(h));
    for (const h of topicHits) {
      if (polarHits.some((p) => p.start < h.end && h.start < p.end)) continue; // already counted as a polarity word
      const bad = BAD_WHEN_MENTIONED[h.value] ?? 0;
      if (negated(h))
        addPolarity(bad ? 1 : -1, weight(h)); // "no bribe" is good, "no sign" is bad
      else if (bad) addPolarity(-bad, weight(h));
    }
    for (const [re, p] of EMOJI_POLARITY) addPolarity(p * (text.match(re)?.length ?? 0), 1);
    const sentiment = Math.max(-1, Math.min(1, (pos - neg) / Math.max(2, pos + neg)));

    const question = cueHits.some((h) => h.value === 'question') || /\?\s*$/.test(t);
    const suggestion = cueHits.some((h) => h.value === 'suggestion');
    let kind: FeedbackKind = 'other';
    let kindConfidence = 0.4;
    if (neg > pos && neg > 0)
      [kind, kindConfidence] = ['complaint', Math.min(0.95, 0.6 + 0.1 * (neg - pos))];
    else if (suggestion) [kind, kindConfidence] = ['suggestion', 0.75];
    else if (question && neg === 0) [kind, kindConfidence] = ['question', 0.75];
    else if (pos > neg)
      [kind, kindConfidence] = ['praise', Math.min(0.95, 0.6 + 0.1 * (pos - neg))];
    else if (topicList.length) [kind, kindConfidence] = ['complaint', 0.55];

    // A question, not a complaint, that names no center, office or ODSC and is about opening or
    // investing in a business or about moving ("ຢາກເປີດຮ້ານກາເຟຢູ່ຫຼວງພະບາງ ຕ້ອງຈ່າຍອາກອນເທົ່າໃດ?",
    // "moved from Salavan to Vientiane: do I transfer my family book?"): the place is where the
    // business or the family is, not a center that served the writer.
    const centerOut =
      center.method !== 'learned' &&
      center.code &&
      kind !== 'complaint' &&
      (question || t.includes('?')) &&
      !CENTER_WORD.test(t) &&
      PLACE_NOT_SERVICE_QUESTION.test(t)
        ? none
        : center;

    const signals: RuleSignals = {
      service: service.code,
      topics: topicList.map((x) => x.code!),
      kind,
      cues: [
        ...new Set([
          ...cueHits.filter((h) => h.value !== 'province').map((h) => h.value),
          ...(negHits.length ? ['negator'] : []),
          ...(neg > pos ? ['negative'] : pos > neg ? ['positive'] : []),
          ...(service.confidence < 0.6 && service.code ? ['service-ambiguous'] : []),
          // What the writer is doing (asking, proposing, thanking…): for the model only (cues.ts).
          ...kindCues(t).map((c) => `k:${c}`),
        ]),
      ],
    };
    return {
      result: {
        center: centerOut,
        service,
        topics: topicList,
        kind: { code: kind, confidence: kindConfidence, method: 'keyword' },
        sentiment: Math.round(sentiment * 100) / 100,
      },
      signals,
    };
  }

  private pickCenter(t: string, found: Hit<Target>[], cues: Hit<Cue>[]): Classified {
    // Code points only for a message that names a place (most name none: the hot path).
    const chars = found.length ? Array.from(t) : [];
    // The 60 characters before each hit, cut once for both checks below.
    const before = new Map(found.map((h) => [h, cutAround(t, chars, h, h.start - 60, h.start)]));
    const hits = found.filter(
      (h) => h.value.learned || !notAServedPlace(t, chars, h, before.get(h)!),
    );
    if (!hits.length) return none;
    const learned = hits.find((h) => h.value.learned);
    if (learned) return { code: learned.value.code, confidence: 0.95, method: 'learned' };
    const province = cues.filter((c) => c.value === 'province');
    const resolved = hits.map((h) => {
      let code = h.value.code;
      // "Vientiane" next to "province"/ແຂວງ is Vientiane Province, not the capital.
      if (
        code === 'LA-VT' &&
        /^(vientiane|viengchan|vientian|ວຽງຈັນ)$/.test(h.phrase.replace(/ /g, ''))
      ) {
        if (province.some((p) => Math.abs(p.start - h.end) <= 3 || Math.abs(h.start - p.end) <= 3))
          code = 'LA-VI';
      }
      const short = Array.from(h.phrase).length <= 3;
      const district = /ເມືອງ\s*$|(district|muang|meuang|mueang)\s*$/.test(
        t.slice(Math.max(0, h.start - 10), h.start),
      );
      const confidence = h.distance
        ? h.distance === 1
          ? 0.75
          : 0.65
        : short && !district
          ? 0.55
          : 0.9;
      return {
        code,
        confidence,
        fuzzy: h.distance > 0,
        // Named as the center ("ສູນປາກເຊ", "Pakse ODSC" is not caught here, "ODSC in Pakse" is).
        atCenter: AT_CENTER_BEFORE.test(before.get(h)!),
        // "ຈາກສາລະວັນ", "from Saravan": where a move or a paper comes from.
        from: FROM_BEFORE.test(before.get(h)!),
      };
    });
    // Where two centers are named, one of them after "from" (a move, a transfer), the other is
    // where the citizen is served.
    const served = resolved.some((r) => !r.from) ? resolved.filter((r) => !r.from) : resolved;
    // A district center beats its own province; then a place named as the center ("ສູນ…"), then
    // the surest, then the first, wins.
    const codes = new Set(served.map((r) => r.code));
    const best = served
      .filter(
        (r) =>
          !(r.code.split('-').length === 2 && [...codes].some((c) => c.startsWith(`${r.code}-`))),
      )
      .sort((a, b) => Number(b.atCenter) - Number(a.atCenter) || b.confidence - a.confidence)[0]!;
    const provinces = new Set(served.map((r) => r.code.split('-').slice(0, 2).join('-')));
    const confidence = provinces.size > 1 ? Math.min(best.confidence, 0.5) : best.confidence;
    return { code: best.code, confidence, method: best.fuzzy ? 'fuzzy' : 'keyword' };
  }

  private pickService(hits: Hit<Target>[]): Classified {
    if (!hits.length) return none;
    const learned = hits.find((h) => h.value.learned);
    if (learned) return { code: learned.value.code, confidence: 0.95, method: 'learned' };
    // The longest phrase is the most specific ("ໃບຕາດິນ" over "ທີ່ດິນ").
    const sorted = [...hits].sort((a, b) => b.phrase.length - a.phrase.length);
    const codes = new Set(hits.map((h) => h.value.code));
    return {
      code: sorted[0]!.value.code,
      confidence: codes.size > 1 ? 0.55 : 0.85,
      method: 'keyword',
    };
  }
}
