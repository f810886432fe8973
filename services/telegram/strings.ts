/**
 * What the bot says, in Lao and English. Until a chat has chosen, the bot writes Lao first and
 * English below; afterwards it writes the chosen language. {name} placeholders are filled by t().
 */
export type Lang = 'lo' | 'en';

const LO = {
  chooseLang: 'ກະລຸນາເລືອກພາສາ\nPlease choose a language',
  langSet: 'ຈະຕອບເປັນພາສາລາວ.',
  welcome: 'ສະບາຍດີ! ບອດນີ້ຮັບຄຳຄິດເຫັນ ແລະ ຄຳຮ້ອງທຸກ ຕໍ່ສູນບໍລິການຜ່ານປະຕູດຽວ. ຕອບຄຳຖາມສອງສາມຂໍ້ ຫຼື ພິມຂໍ້ຄວາມມາໄດ້ເລີຍ.',
  province: 'ທ່ານໄປສູນບໍລິການຢູ່ແຂວງໃດ?',
  center: 'ສູນບໍລິການໃດ?',
  service: 'ທ່ານໄປເຮັດບໍລິການຫຍັງ?',
  serviceNone: 'ບໍ່ແນ່ໃຈ / ອື່ນໆ',
  rating: 'ທ່ານພໍໃຈກັບການບໍລິການພຽງໃດ? (1 = ບໍ່ພໍໃຈຫຼາຍ, 5 = ພໍໃຈຫຼາຍ)',
  comment: 'ຢາກບອກຫຍັງເພີ່ມບໍ? ພິມຄຳຄິດເຫັນຂອງທ່ານ (ພາສາລາວ ຫຼື ອັງກິດ), ຫຼື ກົດ "ຂ້າມ".',
  skip: 'ຂ້າມ ➡',
  contact: 'ພວກເຮົາຈະຕິດຕໍ່ທ່ານແນວໃດ ກ່ຽວກັບຄຳຄິດເຫັນນີ້?',
  contactChat: '💬 ຕອບຂ້ອຍໃນແຊັດນີ້',
  contactPhone: '📱 ແບ່ງປັນເບີໂທຂອງຂ້ອຍ',
  contactAnon: '🙈 ບໍ່ລະບຸຕົວຕົນ',
  phoneAsk: 'ກົດປຸ່ມ "ສົ່ງເບີໂທຂອງຂ້ອຍ" ດ້ານລຸ່ມ. ເບີຂອງທ່ານຖືກເຂົ້າລະຫັດ ແລະ ໃຊ້ພຽງເພື່ອຕິດຕໍ່ກ່ຽວກັບຄຳຄິດເຫັນນີ້.',
  phoneButton: '📱 ສົ່ງເບີໂທຂອງຂ້ອຍ',
  phoneNotYours: 'ກະລຸນາສົ່ງເບີໂທຂອງທ່ານເອງ ດ້ວຍປຸ່ມດ້ານລຸ່ມ.',
  phoneInvalid: 'ເບີໂທນີ້ບໍ່ຖືກຕ້ອງ. ກະລຸນາລອງໃໝ່ ຫຼື ກັບຄືນ.',
  phoneThanks: 'ໄດ້ຮັບເບີໂທແລ້ວ.',
  confirm: 'ກວດເບິ່ງ ແລ້ວກົດ "ສົ່ງ":',
  send: '✅ ສົ່ງ',
  back: '⬅ ກັບຄືນ',
  cancel: '✖ ຍົກເລີກ',
  cancelled: 'ຍົກເລີກແລ້ວ. ພິມ /feedback ເພື່ອເລີ່ມໃໝ່.',
  nothingToCancel: 'ບໍ່ມີຫຍັງຕ້ອງຍົກເລີກ.',
  sent: '✅ ຂອບໃຈ! ພວກເຮົາໄດ້ຮັບຄຳຄິດເຫັນຂອງທ່ານແລ້ວ.\nລະຫັດຕິດຕາມ: {code}\nກວດເບິ່ງສະຖານະ: /status {code}',
  receipt: 'ໄດ້ຮັບແລ້ວ ຂອບໃຈ! ລະຫັດຕິດຕາມ: {code}\nກວດເບິ່ງສະຖານະ: /status {code}',
  appended: 'ເພີ່ມໃສ່ຄຳຄິດເຫັນ {code} ແລ້ວ. ຂອບໃຈ!',
  useButtons: 'ກະລຸນາເລືອກຈາກປຸ່ມ, ຫຼື /cancel ເພື່ອຍົກເລີກ.',
  flowEnded: 'ຂໍ້ຄວາມທີ່ທ່ານພິມ ຖືກບັນທຶກເປັນຄຳຄິດເຫັນ ພ້ອມກັບສິ່ງທີ່ທ່ານເລືອກໄວ້ແລ້ວ. /feedback ເພື່ອເລີ່ມໃໝ່.',
  expired: 'ເມນູນີ້ໝົດອາຍຸແລ້ວ.',
  textOnly: 'ກະລຸນາສົ່ງເປັນຂໍ້ຄວາມ. ພິມ /help ເພື່ອເບິ່ງວິທີໃຊ້.',
  tooLong: 'ຂໍ້ຄວາມຍາວເກີນໄປ (ສູງສຸດ {max} ຕົວອັກສອນ). ກະລຸນາຫຍໍ້ລົງ.',
  status: 'ລະຫັດ {code}: {status}',
  statusUsage: 'ພິມ /status ຕາມດ້ວຍລະຫັດຕິດຕາມ, ຕົວຢ່າງ: /status ABCDE-12345',
  notFound: 'ບໍ່ພົບລະຫັດ {code} ທີ່ສົ່ງຈາກແຊັດນີ້.',
  help: 'ສົ່ງຄຳຄິດເຫັນຕໍ່ສູນບໍລິການຜ່ານປະຕູດຽວ:\n/feedback — ຕອບຄຳຖາມເທື່ອລະຂໍ້\nຫຼື ພິມຂໍ້ຄວາມມາເລີຍ\n/status <ລະຫັດ> — ກວດເບິ່ງສະຖານະ\n/language — ປ່ຽນພາສາ\n/cancel — ຍົກເລີກ',
  summaryCenter: 'ສູນບໍລິການ',
  summaryService: 'ບໍລິການ',
  summaryRating: 'ຄະແນນ',
  summaryComment: 'ຄຳຄິດເຫັນ',
  summaryContact: 'ການຕິດຕໍ່',
  none: '—',
  ratings: ['ບໍ່ພໍໃຈຫຼາຍ', 'ບໍ່ພໍໃຈ', 'ປານກາງ', 'ພໍໃຈ', 'ພໍໃຈຫຼາຍ'],
  district: 'ເມືອງ{name}',
  provinceCenter: '{name} (ແຂວງ)',
};

const EN: typeof LO = {
  chooseLang: 'ກະລຸນາເລືອກພາສາ\nPlease choose a language',
  langSet: 'We will reply in English.',
  welcome:
    'Hello! This bot takes feedback and complaints about the One-Door Service Centers. Answer a few questions, or just type your message.',
  province: 'In which province is the service center you visited?',
  center: 'Which service center?',
  service: 'Which service did you go for?',
  serviceNone: 'Not sure / other',
  rating: 'How satisfied were you? (1 = very dissatisfied, 5 = very satisfied)',
  comment: 'Anything to add? Type your comment (Lao or English), or press "Skip".',
  skip: 'Skip ➡',
  contact: 'How may we contact you about this feedback?',
  contactChat: '💬 Reply to me in this chat',
  contactPhone: '📱 Share my phone number',
  contactAnon: '🙈 Stay anonymous',
  phoneAsk:
    'Press "Send my phone number" below. Your number is encrypted and used only to contact you about this feedback.',
  phoneButton: '📱 Send my phone number',
  phoneNotYours: 'Please send your own number with the button below.',
  phoneInvalid: 'This phone number is not valid. Please try again, or go back.',
  phoneThanks: 'Phone number received.',
  confirm: 'Please check, then press "Send":',
  send: '✅ Send',
  back: '⬅ Back',
  cancel: '✖ Cancel',
  cancelled: 'Cancelled. Type /feedback to start again.',
  nothingToCancel: 'Nothing to cancel.',
  sent: '✅ Thank you! We have received your feedback.\nTracking code: {code}\nCheck its status: /status {code}',
  receipt: 'Thank you, received. Tracking code: {code}\nCheck its status: /status {code}',
  appended: 'Added to your feedback {code}. Thank you!',
  useButtons: 'Please choose with the buttons, or /cancel to stop.',
  flowEnded:
    'What you typed is kept as your feedback, with what you had chosen. /feedback starts again.',
  expired: 'This menu has expired.',
  textOnly: 'Please send text. Type /help to see how.',
  tooLong: 'The message is too long (at most {max} characters). Please shorten it.',
  status: 'Code {code}: {status}',
  statusUsage: 'Type /status and your tracking code, for example: /status ABCDE-12345',
  notFound: 'No feedback with code {code} was sent from this chat.',
  help: 'Feedback on the One-Door Service Centers:\n/feedback — answer a few questions\nor just type your message\n/status <code> — check a status\n/language — change the language\n/cancel — stop',
  summaryCenter: 'Center',
  summaryService: 'Service',
  summaryRating: 'Rating',
  summaryComment: 'Comment',
  summaryContact: 'Contact',
  none: '—',
  ratings: ['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'],
  district: '{name} district',
  provinceCenter: '{name} (province)',
};

export const TG_TEXT: Record<Lang, typeof LO> = { lo: LO, en: EN };
export type TextKey = Exclude<keyof typeof LO, 'ratings'>;

export function t(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  return TG_TEXT[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** Smileys for ratings 1–5 (the kiosk uses the same faces). */
export const RATING_FACES = ['😡', '🙁', '😐', '🙂', '😄'] as const;

/** Commands shown in Telegram's menu, per language (setMyCommands). */
export const COMMANDS: Record<Lang, { command: string; description: string }[]> = {
  lo: [
    { command: 'feedback', description: 'ສົ່ງຄຳຄິດເຫັນ' },
    { command: 'status', description: 'ກວດເບິ່ງສະຖານະ' },
    { command: 'language', description: 'ປ່ຽນພາສາ' },
    { command: 'help', description: 'ວິທີໃຊ້' },
    { command: 'cancel', description: 'ຍົກເລີກ' },
  ],
  en: [
    { command: 'feedback', description: 'Give feedback' },
    { command: 'status', description: 'Check a status' },
    { command: 'language', description: 'Change the language' },
    { command: 'help', description: 'How to use this bot' },
    { command: 'cancel', description: 'Cancel' },
  ],
};
