/**
 * SMS keywords, in Lao and English, tolerant of case, spacing and Lao spelling variants. They are
 * commands, not feedback. Replies fit one UCS-2 segment (70 UTF-16 units) where possible.
 */
import { fold } from '../../../shared/classify/fold';

export type SmsCommand =
  | { kind: 'help' }
  | { kind: 'status'; code: string }
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'lang'; lang: 'lo' | 'en' };

const WORDS: [RegExp, (rest: string) => SmsCommand | null][] = [
  [/^(help|info|ຊ່ວຍ|ຊ່ວຍເຫລືອ|ຊ່ວຍເຫຼືອ)$/u, () => ({ kind: 'help' })],
  [/^(status|ສະຖານະ)$/u, (rest) => (rest ? { kind: 'status', code: rest } : { kind: 'help' })],
  [/^(stop|stopall|unsubscribe|cancel|ຢຸດ)$/u, () => ({ kind: 'stop' })],
  [/^(start|unstop|ເລີ່ມ)$/u, () => ({ kind: 'start' })],
  [/^(lao|ລາວ|ພາສາລາວ)$/u, () => ({ kind: 'lang', lang: 'lo' })],
  [/^(en|eng|english|ອັງກິດ)$/u, () => ({ kind: 'lang', lang: 'en' })],
];

/** The command a message is, or null when it is feedback. */
export function parseSmsCommand(body: string): SmsCommand | null {
  const t = fold(body).replace(/[.!]+$/, '');
  const [first = '', ...rest] = t.split(' ');
  const restText = rest.join(' ').trim();
  for (const [re, make] of WORDS) {
    if (!re.test(first)) continue;
    const cmd = make(restText);
    // "stop the delays!" is feedback; a keyword stands alone (STATUS takes its code).
    if (cmd && cmd.kind !== 'status' && restText) return null;
    return cmd;
  }
  return null;
}

type Lang = 'lo' | 'en';
export const SMS_TEXT: Record<Lang, Record<string, string>> = {
  lo: {
    receipt: 'ໄດ້ຮັບແລ້ວ ຂອບໃຈ! ລະຫັດ: {code}',
    help: 'ສົ່ງຄຳຄິດເຫັນ ຕໍ່ສູນບໍລິການປະຕູດຽວ ມາເບີນີ້. ສະຖານະ <ລະຫັດ>, ຢຸດ',
    status: 'ລະຫັດ {code}: {status}',
    notFound: 'ບໍ່ພົບລະຫັດ {code} ສຳລັບເບີນີ້',
    statusLater: 'ກວດສະຖານະບໍ່ໄດ້ໃນຕອນນີ້. ກະລຸນາລອງໃໝ່ພາຍຫຼັງ',
    stop: 'ຢຸດສົ່ງຂໍ້ຄວາມແລ້ວ. ສົ່ງ START ເພື່ອເລີ່ມໃໝ່',
    start: 'ເລີ່ມສົ່ງຂໍ້ຄວາມໃໝ່ແລ້ວ. ຂອບໃຈ',
    lang: 'ຈະຕອບເປັນພາສາລາວ',
  },
  en: {
    receipt: 'Thank you, received. Your code: {code}',
    help: 'Text your feedback on any One-Door Service Center to this number. STATUS <code> to check it. STOP to stop messages.',
    status: 'Code {code}: {status}',
    notFound: 'No feedback with code {code} from this number',
    statusLater: 'We cannot look up the status right now. Please try again later.',
    stop: 'You will get no more messages. Send START to resume.',
    start: 'Messages resumed. Thank you.',
    lang: 'We will reply in English',
  },
};

export function smsText(lang: Lang, key: string, vars: Record<string, string> = {}): string {
  return (SMS_TEXT[lang][key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}
