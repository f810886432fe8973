/**
 * The scoreboard page's words, Lao first. The definitions say in words what
 * shared/reports/metrics.ts computes; keep them in step with it.
 */
import type { Lang } from './strings';
import { MONTH_NAMES as SHARED_MONTH_NAMES } from '../../../shared/month-names';

export const MONTH_NAMES: Record<Lang, readonly string[]> = SHARED_MONTH_NAMES;

export const SCOREBOARD_TEXT = {
  lo: {
    title: 'ຄວາມພໍໃຈຂອງປະຊາຊົນ ຕໍ່ສູນບໍລິການຜ່ານປະຕູດຽວ',
    intro:
      'ຕົວເລກປະຈຳເດືອນຂອງແຕ່ລະສູນ ຈາກຄຳຄິດເຫັນທີ່ປະຊາຊົນສົ່ງມາທາງ SMS, Telegram, ເວັບໄຊ ແລະ ແທັບເລັດທີ່ສູນບໍລິການ.',
    switchTo: 'English',
    month: 'ເດືອນ',
    sort: 'ລຽງຕາມ',
    sortName: 'ຊື່ສູນບໍລິການ',
    sortSatisfaction: 'ຄວາມພໍໃຈ (ສູງສຸດກ່ອນ)',
    show: 'ສະແດງ',
    caption: (m: string) => `ຕົວເລກຂອງແຕ່ລະສູນບໍລິການ, ເດືອນ${m}`,
    howLink: 'ວິທີຄິດໄລ່ຕົວເລກ',
    center: 'ສູນບໍລິການ',
    province: 'ແຂວງ',
    responses: 'ຈຳນວນຄຳຕອບ',
    satisfied: 'ພໍໃຈ',
    average: 'ຄະແນນສະເລ່ຍ',
    onTime: 'ຄຳຮ້ອງທຸກທີ່ແກ້ໄຂທັນເວລາ',
    notEnough: 'ບໍ່ມີຄຳຕອບພຽງພໍ',
    noRatings: 'ບໍ່ມີການໃຫ້ຄະແນນ',
    noneDue: 'ຍັງບໍ່ຄົບກຳນົດ',
    partial: 'ເດືອນນີ້ຍັງບໍ່ສິ້ນສຸດ: ຕົວເລກຈະປ່ຽນໄປຈົນຮອດທ້າຍເດືອນ.',
    badMonth: (m: string) =>
      `ບໍ່ສາມາດສະແດງເດືອນ "${m}": ກະລຸນາເລືອກເດືອນທີ່ຜ່ານມາແລ້ວ ຫຼື ເດືອນນີ້ ຈາກລາຍການຂ້າງລຸ່ມ.`,
    how: 'ວິທີຄິດໄລ່ຕົວເລກ',
    defResponses:
      'ຈຳນວນຄຳຄິດເຫັນທັງໝົດທີ່ສູນບໍລິການໄດ້ຮັບໃນເດືອນ (ຕາມເວລາວຽງຈັນ), ຈາກທຸກຊ່ອງທາງ, ມີຄະແນນ ຫຼື ບໍ່ມີກໍຕາມ.',
    defSatisfied:
      'ສ່ວນຮ້ອຍຂອງຄຳຕອບທີ່ໃຫ້ຄະແນນ 4 ຫຼື 5 ໃນ 5 ("ພໍໃຈ" ຫຼື "ພໍໃຈຫຼາຍ"), ທຽບກັບຄຳຕອບທັງໝົດທີ່ມີຄະແນນ. ຄະແນນສະເລ່ຍ ແມ່ນຜົນລວມຂອງຄະແນນ ຫານໃຫ້ຈຳນວນຄຳຕອບທີ່ມີຄະແນນ (1 ຫາ 5).',
    defOnTime: (days: number) =>
      `ຄຳຮ້ອງທຸກທີ່ໄດ້ຮັບໃນເດືອນ ແລະ ແກ້ໄຂແລ້ວ ກ່ອນກຳນົດເວລາ (${days} ວັນລັດຖະການ, ບາງບໍລິການມີກຳນົດຂອງຕົນ), ຫານໃຫ້ ຄຳຮ້ອງທຸກທີ່ແກ້ໄຂແລ້ວ ບວກກັບ ຄຳຮ້ອງທຸກທີ່ຍັງບໍ່ໄດ້ແກ້ ແຕ່ກາຍກຳນົດແລ້ວ. ຄຳຮ້ອງທຸກທີ່ຍັງບໍ່ຮອດກຳນົດ ບໍ່ນັບ.`,
    defMinimum: (n: number) =>
      `ສູນທີ່ໄດ້ຮັບໜ້ອຍກວ່າ ${n} ຄຳຕອບໃນເດືອນ ຈະສະແດງວ່າ "ບໍ່ມີຄຳຕອບພຽງພໍ" ແທນຕົວເລກ, ເພາະຕົວເລກຈາກຄຳຕອບຈຳນວນໜ້ອຍ ບໍ່ໜ້າເຊື່ອຖື.`,
    minimumTerm: 'ຈຳນວນຄຳຕອບຂັ້ນຕ່ຳ',
    privacy: 'ໜ້ານີ້ສະແດງພຽງຕົວເລກລວມ: ບໍ່ມີຊື່, ເບີໂທ ຫຼື ຂໍ້ຄວາມຂອງຜູ້ໃດ.',
    feedback: 'ສົ່ງຄຳຄິດເຫັນ',
  },
  en: {
    title: "Citizens' satisfaction with One-Door Service Centers",
    intro:
      'Monthly figures for each center, from the feedback citizens send by SMS, Telegram, the website and the tablet at the center.',
    switchTo: 'ພາສາລາວ',
    month: 'Month',
    sort: 'Sort by',
    sortName: 'Center name',
    sortSatisfaction: 'Satisfaction (highest first)',
    show: 'Show',
    caption: (m: string) => `Figures for each service center, ${m}`,
    howLink: 'how the figures are computed',
    center: 'Service center',
    province: 'Province',
    responses: 'Responses',
    satisfied: 'Satisfied',
    average: 'average rating',
    onTime: 'Complaints resolved on time',
    notEnough: 'not enough responses',
    noRatings: 'no ratings',
    noneDue: 'none due yet',
    partial: 'This month is not over yet: the figures will change until it ends.',
    badMonth: (m: string) =>
      `The month "${m}" cannot be shown: please choose a past month or this month from the list below.`,
    how: 'How the figures are computed',
    defResponses:
      'All feedback the center received in the month (Vientiane time), through every channel, rated or not.',
    defSatisfied:
      'The share of rated responses that gave 4 or 5 out of 5 ("satisfied" or "very satisfied"). The average rating is the sum of the ratings divided by the number of rated responses (1 to 5).',
    defOnTime: (days: number) =>
      `Complaints received in the month and resolved by their deadline (${days} working days; some services have their own), divided by the complaints resolved plus those still open after their deadline. Complaints not yet due do not count.`,
    defMinimum: (n: number) =>
      `A center with fewer than ${n} responses in the month is shown as "not enough responses" instead of figures: figures from a handful of answers are not reliable.`,
    minimumTerm: 'Minimum number of responses',
    privacy: 'This page shows totals only: no names, phone numbers or messages of anyone.',
    feedback: 'Give feedback',
  },
} as const;
