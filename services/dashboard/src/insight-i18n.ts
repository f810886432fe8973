/**
 * The words of the alerts, kiosk-health and monthly-report screens (and their menu items and
 * notices), Lao first and English second, in the language i18n.ts holds. Kept beside i18n.ts rather
 * than in it so each screen's words stay with the screens that use them.
 */
import { getLang } from './i18n';

type Pair = readonly [lo: string, en: string];

const S = {
  // menu
  navAlerts: ['ການແຈ້ງເຕືອນ', 'Alerts'],
  navAlertsOpen: ['{n} ເປີດຢູ່', '{n} open'],
  navKiosks: ['ແທັບເລັດ', 'Kiosks'],
  navReports: ['ລາຍງານປະຈຳເດືອນ', 'Monthly reports'],
  // alerts
  alTitle: ['ການແຈ້ງເຕືອນ', 'Alerts'],
  alIntro: [
    'ລະບົບກວດກົດການແຈ້ງເຕືອນທຸກ 15 ນາທີ. ການແຈ້ງເຕືອນເປີດເມື່ອກົດໃດໜຶ່ງເລີ່ມເປັນຈິງ ແລະ ປິດເອງເມື່ອບໍ່ເປັນຈິງອີກ.',
    'The rules are checked every 15 minutes. An alert opens when a rule starts to hold and closes by itself when it stops.',
  ],
  alIncludeClosed: ['ສະແດງການແຈ້ງເຕືອນທີ່ປິດແລ້ວນຳ', 'Include closed alerts'],
  alCaptionOpen: ['ການແຈ້ງເຕືອນທີ່ເປີດຢູ່', 'Open alerts'],
  alCaptionAll: ['ການແຈ້ງເຕືອນ, ທີ່ເປີດຢູ່ກ່ອນ', 'Alerts, open ones first'],
  alNoneOpen: ['ບໍ່ມີການແຈ້ງເຕືອນທີ່ເປີດຢູ່.', 'No open alerts.'],
  alNone: ['ຍັງບໍ່ມີການແຈ້ງເຕືອນ.', 'No alerts yet.'],
  alKind: ['ປະເພດ', 'Kind'],
  alSubject: ['ກ່ຽວກັບ', 'About'],
  alFigure: ['ຕົວເລກ', 'Figure'],
  alSince: ['ເປີດແຕ່', 'Since'],
  alState: ['ສະຖານະ', 'State'],
  alOpen: ['ເປີດຢູ່', 'Open'],
  alClosed: ['ປິດແລ້ວ', 'Closed'],
  alOpenFor: ['ເປີດມາ {t}', 'open for {t}'],
  alClosedAt: ['ປິດເມື່ອ {at}', 'closed {at}'],
  alChecked: ['ກວດຫຼ້າສຸດ {at}', 'last checked {at}'],
  alSeeOverview: ['ເບິ່ງພາບລວມຂອງສູນນີ້', 'See this center in the overview'],
  alSeeKiosks: ['ເບິ່ງສະພາບແທັບເລັດ', 'See the kiosks'],
  alSeeAlerts: ['ເບິ່ງການແຈ້ງເຕືອນ', 'See the alerts'],
  alTopic: ['ຫົວຂໍ້: {name}', 'Topic: {name}'],
  alTablet: ['ແທັບເລັດ {name}', 'Tablet {name}'],
  alEveryCenter: ['ທຸກສູນ', 'all centers'],
  alFigSatisfaction: [
    'ໃຫ້ຄະແນນ 4–5: {v} — ຕ່ຳກວ່າເກນ {th}',
    'Rated 4–5: {v} — below the {th} threshold',
  ],
  alFigSatisfactionDays: ['ໃນ {d} ມື້ຫຼ້າສຸດ', 'over the last {d} days'],
  alFigTopic: [
    '{n} ຄຳຮ້ອງທຸກໃນ 7 ມື້ຫຼ້າສຸດ, {b} ໃນ 7 ມື້ກ່ອນນັ້ນ (+{p})',
    '{n} complaints in the last 7 days, {b} in the 7 before (+{p})',
  ],
  alFigTopicNew: [
    '{n} ຄຳຮ້ອງທຸກໃນ 7 ມື້ຫຼ້າສຸດ, ບໍ່ມີໃນ 7 ມື້ກ່ອນນັ້ນ',
    '{n} complaints in the last 7 days, none in the 7 before',
  ],
  alFigTopicOld: ['ເພີ່ມຂຶ້ນທຽບກັບອາທິດກ່ອນ (ຕົວເລກ {v})', 'Up on the week before (figure {v})'],
  alFigTopicThreshold: ['ເກນ: ເພີ່ມຂຶ້ນ {p} ຂຶ້ນໄປ', 'threshold: up {p} or more'],
  alFigKiosk: ['ບໍ່ມີສັນຍານມາ {h} — ເກນ {th}', 'No heartbeat for {h} — threshold {th}'],
  // rules
  rlTitle: ['ກົດການແຈ້ງເຕືອນ', 'Alert rules'],
  rlReadOnly: ['ມີແຕ່ຜູ້ເບິ່ງແຍງລະບົບທີ່ປ່ຽນກົດໄດ້.', 'Only administrators can change the rules.'],
  rlConditions: ['ເງື່ອນໄຂ', 'Conditions'],
  rlCenters: ['ສູນທີ່ເບິ່ງ', 'Centers watched'],
  rlCentersHint: ['ບໍ່ເລືອກ = ທຸກສູນ.', 'None chosen = every center.'],
  rlActive: ['ເປີດໃຊ້', 'Active'],
  rlOn: ['ເປີດ', 'On'],
  rlOff: ['ປິດ', 'Off'],
  rlSwitch: ['ເປີດໃຊ້ກົດ: {rule}', 'Rule active: {rule}'],
  rlAdd: ['ເພີ່ມກົດ', 'Add a rule'],
  rlAdded: ['ເພີ່ມກົດແລ້ວ.', 'Rule added.'],
  rlSaved: ['ບັນທຶກກົດແລ້ວ.', 'Rule saved.'],
  rlSwitchedOn: ['ເປີດກົດແລ້ວ.', 'Rule switched on.'],
  rlSwitchedOff: [
    'ປິດກົດແລ້ວ. ການແຈ້ງເຕືອນຂອງມັນຈະປິດໃນການກວດຄັ້ງຕໍ່ໄປ.',
    'Rule switched off. Its open alerts close at the next check.',
  ],
  rlEditOf: ['ແກ້ໄຂກົດ: {rule}', 'Edit rule: {rule}'],
  rlWordsSatisfaction: [
    'ສ່ວນທີ່ໃຫ້ຄະແນນ 4–5 ຂອງສູນໜຶ່ງຕ່ຳກວ່າ {th} ໃນ {d} ມື້ຫຼ້າສຸດ, ເມື່ອມີຢ່າງໜ້ອຍ {m} ຄຳຕອບທີ່ໃຫ້ຄະແນນ',
    "A center's share rated 4–5 is below {th} over the last {d} days, with at least {m} rated",
  ],
  rlWordsTopic: [
    'ຄຳຮ້ອງທຸກໃນຫົວຂໍ້ໜຶ່ງໃນ 7 ມື້ຫຼ້າສຸດເພີ່ມຂຶ້ນ {p} ຂຶ້ນໄປ ທຽບກັບ 7 ມື້ກ່ອນນັ້ນ, ແລະ ມີຢ່າງໜ້ອຍ {m}',
    'Complaints on a topic in the last 7 days are up {p} or more on the 7 days before, and at least {m}',
  ],
  rlWordsKiosk: [
    'ແທັບເລັດບໍ່ມີສັນຍານມາ {h} ຂຶ້ນໄປ',
    'A paired tablet has sent no heartbeat for {h} or more',
  ],
  pThreshold: ['ເກນ (% ທີ່ໃຫ້ຄະແນນ 4–5)', 'Threshold (% rated 4–5)'],
  pDays: ['ຈຳນວນມື້ຫຼ້າສຸດ', 'Over the last (days)'],
  pMinRated: ['ໃຫ້ຄະແນນຢ່າງໜ້ອຍ (ຄຳຕອບ)', 'Minimum rated'],
  pPercent: ['ເພີ່ມຂຶ້ນຢ່າງໜ້ອຍ (%)', 'Minimum rise (%)'],
  pMinCount: ['ຄຳຮ້ອງທຸກຢ່າງໜ້ອຍ', 'Minimum complaints'],
  pHours: ['ບໍ່ມີສັນຍານມາ (ຊົ່ວໂມງ)', 'Silent for (hours)'],
  pNumberHint: ['ຕົວເລກລາວ ຫຼື ອາຣັບກໍໄດ້.', 'Lao or Western digits.'],
  errNumber: ['ກະລຸນາໃສ່ຕົວເລກ.', 'Enter a number.'],
  errAtLeast: ['ຕ້ອງບໍ່ໜ້ອຍກວ່າ {n}.', 'Must be at least {n}.'],
  errAtMost: ['ຕ້ອງບໍ່ເກີນ {n}.', 'Must be at most {n}.'],
  errWhole: ['ຕ້ອງເປັນຈຳນວນຖ້ວນ.', 'Must be a whole number.'],
  errField: ['ຄ່ານີ້ບໍ່ຖືກຕ້ອງ: {m}', 'Not accepted: {m}'],
  // kiosks
  kTitle: ['ແທັບເລັດ', 'Kiosks'],
  kIntro: [
    'ແທັບເລັດສຳຫຼວດທຸກໜ່ວຍ ແລະ ສັນຍານຫຼ້າສຸດຂອງມັນ. ທີ່ງຽບ ແລະ ອອບລາຍຢູ່ກ່ອນ.',
    'Every survey tablet and its last heartbeat, silent and offline ones first.',
  ],
  kCaption: ['ແທັບເລັດ, ທີ່ງຽບ ແລະ ອອບລາຍກ່ອນ', 'Tablets, silent and offline first'],
  kNone: ['ບໍ່ມີແທັບເລັດ.', 'No tablets.'],
  kTablet: ['ແທັບເລັດ', 'Tablet'],
  kState: ['ສະຖານະ', 'State'],
  kHeartbeat: ['ສັນຍານຫຼ້າສຸດ', 'Last heartbeat'],
  kNoHeartbeat: ['ບໍ່ເຄີຍມີສັນຍານ', 'No heartbeat yet'],
  kAgo: ['{t} ກ່ອນ', '{t} ago'],
  kSilentFor: ['ງຽບມາ {h}', 'silent for {h}'],
  kQueued: ['ລໍຖ້າສົ່ງ', 'Queued'],
  kRejected: ['ຖືກປະຕິເສດ', 'Rejected'],
  kMisuse: ['ການໃຊ້ຜິດ', 'Misuse'],
  kVersion: ['ເວີຊັນແອັບ', 'App version'],
  kLastSync: ['ສົ່ງຂໍ້ມູນສຳເລັດຫຼ້າສຸດ', 'Last sync'],
  kSummary: ['ສະຫຼຸບ', 'Summary'],
  kCount: ['{n} ໜ່ວຍ', '{n} tablets'],
  kUnnamed: ['(ບໍ່ມີຊື່)', '(no label)'],
  // monthly reports
  rpTitle: ['ລາຍງານປະຈຳເດືອນ', 'Monthly reports'],
  rpMake: ['ເຮັດລາຍງານ', 'Make a report'],
  rpMonth: ['ເດືອນ', 'Month'],
  rpLang: ['ພາສາຂອງລາຍງານ', 'Report language'],
  rpScope: ['ຂອບເຂດ', 'Scope'],
  rpScopeAll: ['ທຸກສູນ', 'All centers'],
  rpScopeMine: ['ທຸກສູນຂອງຂ້ອຍ', 'All my centers'],
  rpScopeProvince: ['ແຂວງໜຶ່ງ', 'One province'],
  rpScopeCenter: ['ສູນໜຶ່ງ', 'One center'],
  rpOpenHtml: ['ເປີດໜ້າສຳລັບພິມ (HTML)', 'Open the printable page (HTML)'],
  rpPdf: ['ດາວໂຫຼດ PDF', 'Download the PDF'],
  rpNewTab: [' (ເປີດໃນແຖບໃໝ່)', ' (opens in a new tab)'],
  rpPdfHint: ['ການເຮັດ PDF ໃຊ້ເວລາສອງສາມວິນາທີ.', 'Making the PDF takes a few seconds.'],
  rpFor: ['ລາຍງານ {month} — {scope}', 'Report for {month} — {scope}'],
  rpStored: ['ລາຍງານທີ່ລະບົບເຮັດໄວ້', 'Stored reports'],
  rpStoredHint: [
    'ລະບົບເຮັດລາຍງານຂອງທຸກສູນ (ລາວ ແລະ ອັງກິດ) ໃນວັນທີ 1 ຂອງທຸກເດືອນ ເວລາ 06:00.',
    'The system makes the all-center report, in Lao and English, on the 1st of each month at 06:00.',
  ],
  rpStoredNone: ['ຍັງບໍ່ມີລາຍງານທີ່ເຮັດໄວ້.', 'No stored reports yet.'],
  rpStoredManager: [
    'ລາຍງານທີ່ເຮັດໄວ້ກວມເອົາທຸກສູນ, ຈຶ່ງບໍ່ສະແດງໃຫ້ຜູ້ຈັດການສູນ. ເຮັດລາຍງານຂອງສູນທ່ານໄດ້ຂ້າງເທິງ.',
    'Stored reports cover every center, so they are not shown to center managers. Make your centers’ report above.',
  ],
  rpPages: ['ໜ້າ', 'Pages'],
  rpSize: ['ຂະໜາດ', 'Size'],
  rpMade: ['ເຮັດເມື່ອ', 'Made'],
  rpBy: ['ໂດຍ', 'By'],
  rpByJob: ['ລະບົບ (ອັດຕະໂນມັດ)', 'System (scheduled)'],
  rpFile: ['ໄຟລ໌', 'File'],
  rpKiB: ['{n} KiB', '{n} KiB'],
  // notices
  noticeAlert: ['ການແຈ້ງເຕືອນໃໝ່: {kind}', 'New alert: {kind}'],
  noticeOther: ['ແຈ້ງເຕືອນ', 'Notice'],
} satisfies Record<string, Pair>;

export type InsightKey = keyof typeof S;

const LABELS = {
  alertKind: {
    satisfaction_below: ['ຄວາມພໍໃຈຕ່ຳ', 'Low satisfaction'],
    topic_up: ['ຄຳຮ້ອງທຸກເພີ່ມຂຶ້ນ', 'Complaints rising'],
    kiosk_silent: ['ແທັບເລັດງຽບ', 'Kiosk silent'],
  },
  kioskState: {
    online: ['ອອນລາຍ', 'Online'],
    offline: ['ອອບລາຍ', 'Offline'],
    silent: ['ງຽບ', 'Silent'],
    revoked: ['ຖືກຖອນແລ້ວ', 'Revoked'],
    unpaired: ['ຍັງບໍ່ໄດ້ເຊື່ອມຕໍ່', 'Not paired'],
  },
  reportLang: {
    lo: ['ລາວ', 'Lao'],
    en: ['ອັງກິດ', 'English'],
  },
} satisfies Record<string, Record<string, Pair>>;

const pickPair = (p: Pair) => p[getLang() === 'lo' ? 0 : 1];

/** A word of these screens in the current language, with {name} replaced from vars. */
export function ti(key: InsightKey, vars: Record<string, string | number> = {}): string {
  return pickPair(S[key]).replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? ''));
}

/** The name of a code (an alert kind, a kiosk state, a language), or the code when unknown. */
export function tl(group: keyof typeof LABELS, code: string): string {
  const pair = (LABELS[group] as Record<string, Pair>)[code];
  return pair ? pickPair(pair) : code;
}
