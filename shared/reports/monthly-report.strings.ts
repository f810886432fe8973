/**
 * Every word of the monthly report, Lao first and English second. The definitions at the end of
 * the report say in a few lines what docs/metrics.md says in full (shared/reports/metrics.ts is the
 * code of the same rules).
 */
import { MONTH_NAMES } from '../month-names';
export type ReportLang = 'lo' | 'en';
type Pair = readonly [lo: string, en: string];

const S = {
  title: ['ລາຍງານປະຈຳເດືອນ: ຄຳຄິດເຫັນຂອງປະຊາຊົນ', 'Monthly report: citizen feedback'],
  odsc: ['ສູນບໍລິການຜ່ານປະຕູດຽວ', 'One-Door Service Centers'],
  forTaskforce: ['ສຳລັບຄະນະສະເພາະກິດຕິດຕາມຄຳຄິດເຫັນຂອງປະຊາຊົນ', 'For the taskforce on citizen feedback'],
  month: ['ເດືອນ', 'Month'],
  scope: ['ຂອບເຂດ', 'Scope'],
  period: ['ໄລຍະ', 'Period'],
  comparedWith: ['ທຽບກັບ', 'Compared with'],
  generated: ['ສ້າງເມື່ອ', 'Generated'],
  vientianeTime: ['ເວລາວຽງຈັນ', 'Vientiane time'],
  allCenters: ['ທຸກສູນບໍລິການ', 'All centers'],
  province: ['ແຂວງ', 'Province'],
  contents: ['ເນື້ອໃນ', 'Contents'],
  headline: ['ຕົວເລກຫຼັກ', 'Headline figures'],
  figure: ['ຕົວເລກ', 'Figure'],
  thisMonth: ['ເດືອນນີ້', 'This month'],
  prevMonth: ['ເດືອນກ່ອນ', 'Previous month'],
  change: ['ປ່ຽນແປງ', 'Change'],
  points: ['ຈຸດ', 'pts'],
  charts: ['ແຜນພູມ', 'Charts'],
  volumeChart: ['ຈຳນວນຄຳຄິດເຫັນທີ່ໄດ້ຮັບຕໍ່ມື້', 'Feedback received per day'],
  satisfactionChart: ['ສ່ວນທີ່ພໍໃຈຕໍ່ມື້ (ຄະແນນ 4–5)', 'Satisfied per day (rating 4–5)'],
  channelChart: ['ຊ່ອງທາງທີ່ປະຊາຊົນໃຊ້', 'Channels citizens used'],
  monthLine: ['ທັງເດືອນ', 'whole month'],
  day: ['ມື້', 'day'],
  noData: ['ບໍ່ມີຂໍ້ມູນ', 'No data'],
  centersTitle: ['ຕາຕະລາງສູນບໍລິການ', 'Center league table'],
  centersIntro: [
    'ລຽງຕາມຈຳນວນທີ່ໄດ້ຮັບ; ການປ່ຽນແປງທຽບກັບເດືອນກ່ອນ.',
    'Ordered by feedback received; change against the previous month.',
  ],
  center: ['ສູນບໍລິການ', 'Center'],
  service: ['ບໍລິການ', 'Service'],
  topics: ['ຫົວຂໍ້', 'Topics'],
  complaintsShort: ['ຮ້ອງທຸກ', 'Compl.'],
  topTopicsTitle: ['ຫົວຂໍ້ທີ່ຖືກຮ້ອງທຸກຫຼາຍທີ່ສຸດ', 'Top complaint topics'],
  topTopicsIntro: [
    'ສາມຫົວຂໍ້ທຳອິດ ແລະ ຈຳນວນຄຳຮ້ອງທຸກ (ຄຳຮ້ອງທຸກໜຶ່ງອາດມີຫຼາຍຫົວຂໍ້).',
    'The first three topics and how many complaints raised each (a complaint may raise several).',
  ],
  byCenter: ['ຕາມສູນບໍລິການ', 'By center'],
  byService: ['ຕາມບໍລິການ', 'By service'],
  noComplaints: ['ບໍ່ມີຄຳຮ້ອງທຸກໃນເດືອນນີ້.', 'No complaints this month.'],
  overdueTitle: ['ຄຳຮ້ອງທຸກທີ່ກາຍກຳນົດ', 'Overdue complaints'],
  overdueIntro: [
    'ຄຳຮ້ອງທຸກທີ່ໄດ້ຮັບໃນເດືອນນີ້, ຍັງບໍ່ທັນແກ້ໄຂ ແລະ ກາຍວັນຄົບກຳນົດແລ້ວ ໃນເວລາສ້າງລາຍງານ.',
    'Complaints received this month, still open and past their due date when this report was generated.',
  ],
  trackingCode: ['ລະຫັດຕິດຕາມ', 'Tracking code'],
  dueDate: ['ວັນຄົບກຳນົດ', 'Due date'],
  noneOverdue: ['ບໍ່ມີຄຳຮ້ອງທຸກທີ່ກາຍກຳນົດ.', 'No complaint is overdue.'],
  moreOverdue: ['ແລະ ອີກ {n} ລາຍການ (ເບິ່ງໃນລະບົບ).', 'And {n} more (see the workspace).'],
  weDidTitle: ['ທ່ານບອກ, ພວກເຮົາເຮັດ', 'You said, we did'],
  weDidIntro: [
    'ຄຳຮ້ອງທຸກຂອງເດືອນນີ້ທີ່ແກ້ໄຂແລ້ວ ແລະ ສິ່ງທີ່ພະນັກງານໄດ້ເຮັດ. ບໍ່ສະແດງຂໍ້ຄວາມ ແລະ ຂໍ້ມູນຕິດຕໍ່ຂອງປະຊາຊົນ.',
    "This month's complaints that were resolved, and what staff did. Citizens' own words and contacts are never shown.",
  ],
  youSaid: ['ທ່ານບອກ', 'You said'],
  weDid: ['ພວກເຮົາເຮັດ', 'We did'],
  complaintAbout: ['ຮ້ອງທຸກກ່ຽວກັບ {topics}', 'A complaint about {topics}'],
  atService: ['ບໍລິການ {service}, {center}', '{service}, {center}'],
  noneResolved: [
    'ບໍ່ມີຄຳຮ້ອງທຸກຂອງເດືອນນີ້ທີ່ແກ້ໄຂພ້ອມບັນທຶກການແກ້ໄຂ.',
    "None of this month's complaints was resolved with a resolution note yet.",
  ],
  definitions: ['ຄຳນິຍາມ', 'Definitions'],
  unknown: ['ບໍ່ລະບຸ', 'Not identified'],
  footer: ['ລາຍງານປະຈຳເດືອນ {month} · {scope}', 'Monthly report {month} · {scope}'],
} satisfies Record<string, Pair>;

export type StringKey = keyof typeof S;

/** The headline figures, in the order the table shows them. */
export const METRICS = {
  received: ['ຄຳຄິດເຫັນທີ່ໄດ້ຮັບ', 'Feedback received'],
  rated: ['ທີ່ໃຫ້ຄະແນນ', 'Rated'],
  ratingAvg: ['ຄະແນນສະເລ່ຍ (1–5)', 'Average rating (1–5)'],
  satisfiedShare: ['ສ່ວນທີ່ພໍໃຈ (ຄະແນນ 4–5)', 'Satisfied (rating 4–5)'],
  complaints: ['ຄຳຮ້ອງທຸກ', 'Complaints'],
  open: ['ຍັງບໍ່ທັນແກ້ໄຂ', 'Open'],
  overdue: ['ກາຍກຳນົດ', 'Overdue'],
  resolved: ['ແກ້ໄຂແລ້ວ', 'Resolved'],
  resolvedOnTimeShare: ['ແກ້ໄຂທັນກຳນົດ', 'Resolved on time'],
  medianFirstReplyDays: [
    'ມື້ລັດຖະການຈົນເຖິງຄຳຕອບທຳອິດ (ຄ່າກາງ)',
    'Working days to the first reply (median)',
  ],
  medianResolutionDays: ['ມື້ລັດຖະການຈົນແກ້ໄຂ (ຄ່າກາງ)', 'Working days to resolution (median)'],
  resolutionSatisfactionAvg: ['ຄວາມພໍໃຈຕໍ່ການແກ້ໄຂ (1–5)', 'Satisfaction with the resolution (1–5)'],
} satisfies Record<string, Pair>;

export type MetricKey = keyof typeof METRICS;

/** The league table's columns. */
export const COLUMNS = {
  received: ['ໄດ້ຮັບ', 'Received'],
  ratingAvg: ['ຄະແນນສະເລ່ຍ', 'Avg rating'],
  satisfiedShare: ['ພໍໃຈ', 'Satisfied'],
  complaints: ['ຮ້ອງທຸກ', 'Complaints'],
  overdue: ['ກາຍກຳນົດ', 'Overdue'],
  resolvedOnTimeShare: ['ທັນກຳນົດ', 'On time'],
  change: ['ປ່ຽນແປງ', 'Change'],
} satisfies Record<string, Pair>;

export const CHANNELS: Record<string, Pair> = {
  sms: ['SMS', 'SMS'],
  telegram: ['Telegram', 'Telegram'],
  web: ['ແບບຟອມເວັບ', 'Web form'],
  kiosk: ['ຕູ້ສຳຫຼວດ', 'Kiosk'],
};

export const MONTHS: Record<ReportLang, readonly string[]> = MONTH_NAMES;

/** The definitions footnote: the wording of docs/metrics.md, shortened. */
export const DEFINITIONS: Record<ReportLang, string[]> = {
  lo: [
    'ຄຳຄິດເຫັນທີ່ໄດ້ຮັບ: ທຸກຂໍ້ຄວາມ, ແບບຟອມ ແລະ ຄຳຕອບຕູ້ສຳຫຼວດ, ນັບຕາມມື້ທີ່ໄດ້ຮັບ (ເວລາວຽງຈັນ).',
    'ຄະແນນສະເລ່ຍ: ສະເລ່ຍຂອງຄະແນນ 1–5 ທີ່ປະຊາຊົນໃຫ້. ພໍໃຈ: ສ່ວນຂອງຄຳຄິດເຫັນທີ່ໃຫ້ຄະແນນ 4 ຫຼື 5.',
    'ຄຳຮ້ອງທຸກ: ຄຳຄິດເຫັນທີ່ຈັດເປັນຄຳຮ້ອງທຸກ, ບໍ່ນັບສະແປມ ແລະ ລາຍການຊ້ຳ. ຍັງບໍ່ທັນແກ້ໄຂ: ໃໝ່, ຄັດແຍກແລ້ວ ຫຼື ກຳລັງດຳເນີນການ. ກາຍກຳນົດ: ຍັງບໍ່ທັນແກ້ໄຂ ແລະ ກາຍວັນຄົບກຳນົດ ໃນເວລາສ້າງລາຍງານ.',
    'ຄຳຮ້ອງທຸກນັບຢູ່ໃນເດືອນທີ່ໄດ້ຮັບ; ຍັງບໍ່ທັນແກ້ໄຂ, ກາຍກຳນົດ ແລະ ແກ້ໄຂແລ້ວ ແມ່ນສະຖານະຂອງມັນໃນເວລາສ້າງລາຍງານ (ເດືອນກ່ອນກໍ່ຄືກັນ).',
    'ແກ້ໄຂທັນກຳນົດ = ຈຳນວນທີ່ແກ້ໄຂກ່ອນວັນຄົບກຳນົດ ÷ (ທີ່ແກ້ໄຂແລ້ວ + ທີ່ຍັງບໍ່ແກ້ໄຂ ແລະ ກາຍກຳນົດ).',
    'ວັນຄົບກຳນົດ ແລະ ໄລຍະເວລາ ນັບເປັນມື້ລັດຖະການ (ບໍ່ນັບວັນເສົາ, ວັນອາທິດ ແລະ ວັນພັກລັດຖະການຂອງລາວ); ສະແດງເປັນຄ່າກາງ.',
    'ປ່ຽນແປງ: ເດືອນນີ້ ລົບ ເດືອນກ່ອນ; ສ່ວນຮ້ອຍປ່ຽນເປັນຈຸດ. «—»: ບໍ່ມີຂໍ້ມູນພໍທີ່ຈະຄິດໄລ່ (ບໍ່ແມ່ນ 0).',
    'ຄຳນິຍາມເຕັມ: docs/metrics.md ຂອງລະບົບ.',
  ],
  en: [
    'Feedback received: every message, form and kiosk answer, counted on the day it was received (Vientiane time).',
    'Average rating: the mean of the 1–5 ratings citizens gave. Satisfied: the share of rated feedback rated 4 or 5.',
    'Complaints: feedback classified as a complaint, spam and duplicates left out. Open: new, triaged or in progress. Overdue: open and past its due date when this report was generated.',
    "A complaint counts in the month it was received; open, overdue and resolved are its state when this report was generated (the previous month's too).",
    'Resolved on time = complaints resolved by their due date ÷ (resolved + open past their due date).',
    'Due dates and durations count working days (weekends and Lao public holidays excluded); durations are medians.',
    'Change: this month minus the previous month; shares change in percentage points. “—”: no data to compute from (not 0).',
    "Full definitions: the platform's docs/metrics.md.",
  ],
};

/** A word of the report in a language, with {placeholders} filled. */
export function tr(lang: ReportLang, key: StringKey, vars: Record<string, string | number> = {}) {
  return fill(S[key][lang === 'lo' ? 0 : 1], vars);
}

export function pairText(lang: ReportLang, pair: Pair): string {
  return pair[lang === 'lo' ? 0 : 1];
}

function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? ''));
}
