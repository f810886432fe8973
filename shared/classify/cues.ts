/**
 * Cues of a message's kind that only the learned model reads (as `r:c:<cue>` features): they do
 * not change the rules' own kind or sentiment. The rules' word lists say whether a message is
 * good or bad news; these say what the writer is doing — asking (a question particle at the end,
 * "is it", romanised "bo"), proposing ("ນ່າຈະ", "maybe", "would save"), thanking or praising in
 * words the polarity list lacks ("respect", "ນັບຖື"), giving a score ("8/10", "2 stars"), telling of a quick service
 * ("in 15 minutes", "ມື້ດຽວ"), greeting or testing ("hi", "test", "ສະບາຍດີ"), or telling of a plan
 * ("next week", "ອາທິດໜ້າ"). Lao is matched inside the text (no spaces between words), Latin on
 * word boundaries. The text is folded (fold.ts): ໜ is ຫນ, ໝ is ຫມ, ຳ is ໍາ, digits are ASCII.
 */

/** Lao question particles and words: ບໍ (not ບໍ່, not the start of ບໍລິການ), ແນວໃດ, ໃສ, … */
const ASK_LO =
  /ບໍ(?=$|[\s?!.,)]|ນໍ|ດ)|ແມ່ນບໍ່|ຫລືບໍ່|ໄດ້ບໍ່\s*$|ແນວໃດ|ເທົ່າໃດ|ປານໃດ|ຈັກ(?:ມື້|ກີບ|ຄົນ|ແຜ່ນ|ເດືອນ)|ຢູ່ໃສ|ໄປໃສ|ແນວໃດ|ຫຍັງແດ່|ຫລືວ່າ|ບໍ່\s*\?/;
/** English and romanised Lao question openings and particles. */
const ASK_LATIN =
  /(^|[\s,.;:])(can i|can we|can you|can my|do i|do we|does|is it|is there|is a|are there|must i|must it|should i|how|what|when|where|which|who|why|whether|any way|yu sai|thi sai|pai sai|tao dai|thao dai|jak mue|jak kip|jak deuan|jang dai|chang dai|yang dai|nyang dai|mi thang|bor|baw|bo)(?=$|[\s?!.,])/;
/** A question mark, or a Lao question particle, ending the message. */
const ASK_END =
  /(\?|ບໍ|ບໍ່|ແນວໃດ|ໃສ|ຫຍັງ|ເທົ່າໃດ|ປານໃດ|ແດ່|ບໍນໍ|\bbo|\bbor|\bbaw|\bnor|\bjang dai|\bnyang dai|\bthao dai|\byu sai)\s*[?!.]*\s*$/;

const SUGGEST =
  /ນ່າຈະ|ອະຍາກໃຫ້|ຢາກໃຫ້|ຢາກສະເຫນີ|ສະເຫນີ|ຄວນ|ຂໍໃຫ້|ຖ້າ.{0,40}ຈະ(?:ດີ|ຊ່ວຍ|ສະດວກ)|ເພີ່ມ.{0,20}ອີກ|(^|[\s,.;:])(maybe|perhaps|allow|please|should|could (?:you|the|they)|would (?:save|help|be)|why not|needs? (?:a|an|more)|suggest|recommend|it'd|khuan|kuan|khouan|ya[ar]?k hai|khor? hai|sa ?n(?:oe|er|ur|eu)|na ja|ka ?lu ?na)(?=$|[\s?!.,])/;

const PRAISE =
  /ຂອບໃຈ|ຂອບຄຸນ|ຄັກຫລາຍ|ຄັກແທ້|ນັບຖື|ຊົມເຊີຍ|ປະທັບໃຈ|ມືອາຊີບ|ໂປ່ງໃສ|ສົມເຫດສົມຜົນ|ອົດທົນ|ນ່າຮັກ|ພຽງພໍ|ຄົບຖ້ວນ|ຊັດເຈນ|ເປັນກັນເອງ|ບໍ່ຍຸ່ງຍາກ|ບໍ່ຫຍຸ້ງຍາກ|ບໍ່ຕ້ອງລໍຖ້າ|ສະດວກສະບາຍ|👍|🙏|❤|(^|[\s,.;:!])(thanks?|thank you|thx|respect|impressed|impressive|welcoming|lovely|fastest|smooth|worked well|no problems?|without (?:a )?problems?|in and out|well done|good job|appreciate|grateful|kudos|bravo|fair|patient|transparent|reasonable|kho[pb] ?(?:chai|jai|khun)|(?<!(?:bo|bor|baw|bo mi|bor mi) )(?:dee|di|keng|kheng|kaeng) (?:lai|mak|der|laew)|(?<!(?:bo|bor|baw) )sa ?do?uak|khak (?:lai|der|laew|mak|ii)|pa ?thap ?jai|prathap ?jai|chom ?[xs]oei)(?=$|[\s?!.,])/;

/** A short time the service took ("15 min", "in 2 days", "ມື້ດຽວ", "same day"). */
const QUICK =
  /ມື້ດຽວ|ພາຍໃນ|ບໍ່ຮອດ|ບໍ່ເຖິງ|ທັນທີ|ໄດ້ເລີຍ|ໄດ້ໄວ|ໄວກວ່າ|ໄວຂຶ້ນ|(^|[\s,.;:(])(\d+ ?(?:min|mins|minutes|minute)|same (?:day|week|morning|afternoon)|in (?:\d+|one|two|an?) (?:hour|hours|day|days|min|minutes)|within|while (?:we|i) waited|faster|quicker|(?:vai|wai|vay) (?:kwa|gwa|lai|dee|di|mak)|mue (?:diao|deow|diew|dieo)|phai nai|b(?:o|or|aw) don)(?=$|[\s?!.,)])/;

/** Greetings, tests, wrong numbers: messages with no matter in them. */
const GREETING =
  /^(hi+|hello|hey|test(?:ing)?|ok(?:ay)?|sorry|\d+|ສະບາຍດີ|ທົດລອງ|ທົດສອບ|ໂອເຄ|ເທສ)(?=$|[\s?!.,])|wrong (?:chat|number|person)|sent (?:from|by mistake)|meant to send/;

/** A plan or a plain fact told ahead: "next week", "tomorrow", "ອາທິດໜ້າ", "ຈະໄປ". */
const PLAN =
  /ອາທິດຫນ້າ|ເດືອນຫນ້າ|ມື້ອື່ນ|ຈະໄປ|ຈະມາ|ກໍາລັງຈະ|(^|[\s,.;:])(next (?:week|month|year)|tomorrow|going to|will (?:go|come|do|bring|register|apply)|mue (?:uen|eun|ouen)|(?:athit|aathit|deuan|duean) na|ja pai|cha pai)(?=$|[\s?!.,])/;

/**
 * Praise of an absence: a problem that did not happen ("ບໍ່ມີໃຜຂໍເງິນ", "ບໍ່ຕ້ອງຖ້າ", "ບໍ່ເສຍຄ່າຫຍັງ",
 * "nobody asked for money", "didn't have to wait", "bo mi phai kho ngeun"). Messages that say so
 * are mostly praise although their words are those of complaints. Not "ບໍ່ມີໃຜຮຽກ" (nobody called
 * my name), "ບໍ່ມີໃຜຂໍໂທດ" (nobody apologised), "nobody asked me" or "no extra staff": complaints.
 */
const ABSENCE =
  /ບໍ່ມີໃຜ(?:ຂໍ(?!ໂທດ)|ເກັບ|ຮຽກ(?:ເກັບ|ເອົາ|ເງິນ|ຄ່າ))|ບໍ່ມີ(?:ຄ່າ|ເງິນ).{0,8}(?:ຊ້ອນ|ເພີ່ມ|ພິເສດ|ໃຕ້ໂຕະ|ນໍ້າຊາ)|ບໍ່ຕ້ອງ(?:ຖ້າ|ລໍ|ຈ່າຍ(?:ເພີ່ມ|ຫຍັງ)|ເສຍ(?:ຄ່າ|ເງິນ)|ກັບ|ມາ(?:ຫລາຍ|ອີກ))|ບໍ່ເສຍ(?:ຄ່າ|ເງິນ)|ບໍ່ຍາກ|(^|[\s,.;:])(?:no(?:body| one) (?:asked (?:me |us )?for|wanted (?:money|a bribe|tea|extra|anything)|hinted)|no (?:extra (?:fees?|charges?|money|payments?|costs?)|bribes?|tea money|need to (?:wait|come back|pay))|didn'?t (?:have to|need to) (?:wait|pay|come back)|without (?:paying|waiting)|bo mi (?:phai|khon) (?:kho|khor|hiak)|bo tong (?:tha|lo|jai|kap))(?=$|[\s?!.,])/;

/**
 * A score the writer gives: "8/10", "2.5/5", "໒/໕" (folded to ASCII digits), "4 stars", "⭐⭐⭐".
 * Not a date ("12/10/2026", "ວັນທີ 5/10", "ແຕ່ 2/10", "on 3/5"), not a number ("ເລກທີ 15/100",
 * "house 3/5") and not a fraction above one. The share it gives (0–1) decides the cue:
 * `score-high` from 0.7, `score-low` up to 0.4, `score` always.
 */
const SCORE_FRACTION = /(^|[^\d/.,])(\d{1,3}(?:[.,]\d{1,2})?)\s*\/\s*(5|10|100)(?![\d/]|\s*\/)/g;
const DATE_BEFORE =
  /(?:ວັນທີ|ວັນ|ມື້|ແຕ່|ຮອດ|ເມື່ອ|ເລກທີ|ເລກ|#|(?:^|[^a-z])(?:date|dated|on|since|from|until|till|by|no\.?|number|house|room))\s*$/;
const SCORE_STARS = /(?:^|[\s,.;:(])([1-5]|one|two|three|four|five)\s*(?:stars?|⭐)/;
const STAR_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 };

/** The share a message's score gives (0–1), or null when it gives none. */
export function scoreShare(t: string): number | null {
  for (const m of t.matchAll(SCORE_FRACTION)) {
    const n = Number(m[2]!.replace(',', '.'));
    const d = Number(m[3]);
    if (n > d) continue;
    if (
      DATE_BEFORE.test(t.slice(Math.max(0, m.index! + m[1]!.length - 12), m.index! + m[1]!.length))
    )
      continue;
    return n / d;
  }
  const stars = SCORE_STARS.exec(t);
  if (stars) return (STAR_WORDS[stars[1]!] ?? Number(stars[1])) / 5;
  const emoji = t.match(/⭐/g);
  if (emoji && emoji.length <= 5) return emoji.length / 5;
  return null;
}

/** The kind cues of a folded text, by name. */
export function kindCues(t: string): string[] {
  const out: string[] = [];
  if (ASK_LO.test(t) || ASK_LATIN.test(t)) out.push('ask');
  if (ASK_END.test(t)) out.push('ask-end');
  if (SUGGEST.test(t)) out.push('suggest');
  if (PRAISE.test(t)) out.push('praise');
  if (QUICK.test(t)) out.push('quick');
  if (ABSENCE.test(t)) out.push('absence');
  const score = scoreShare(t);
  if (score !== null) {
    out.push('score');
    if (score >= 0.7) out.push('score-high');
    else if (score <= 0.4) out.push('score-low');
  }
  if (GREETING.test(t)) out.push('greeting');
  if (PLAN.test(t)) out.push('plan');
  // Very short messages are mostly greetings, one-word praise or tests.
  const words = t.split(' ').length;
  if (words <= 2 && t.length <= 20) out.push('short');
  return out;
}
