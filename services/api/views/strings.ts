/** Citizen-facing text of the web form. Lao is the default language; English is the switch. */
export type Lang = 'lo' | 'en';

export const STRINGS = {
  lo: {
    title: 'ສະແດງຄຳຄິດເຫັນ ຕໍ່ສູນບໍລິການຜ່ານປະຕູດຽວ',
    intro: 'ຄຳຄິດເຫັນຂອງທ່ານຊ່ວຍປັບປຸງການບໍລິການ. ໃຊ້ເວລາບໍ່ເກີນໜຶ່ງນາທີ.',
    switchTo: 'English',
    center: 'ສູນບໍລິການທີ່ທ່ານໄປ',
    choose: '— ເລືອກ —',
    service: 'ບໍລິການທີ່ທ່ານໄດ້ຮັບ (ຖ້າມີ)',
    serviceNone: '— ບໍ່ລະບຸ —',
    rating: 'ທ່ານພໍໃຈກັບການບໍລິການພຽງໃດ?',
    ratings: ['ບໍ່ພໍໃຈຫຼາຍ', 'ບໍ່ພໍໃຈ', 'ປານກາງ', 'ພໍໃຈ', 'ພໍໃຈຫຼາຍ'],
    text: 'ຄຳຄິດເຫັນ ຫຼື ຄຳຮ້ອງທຸກ',
    textHint: 'ຂຽນເປັນພາສາລາວ ຫຼື ອັງກິດ. ບອກວ່າເກີດຫຍັງຂຶ້ນ, ເມື່ອໃດ.',
    contactLegend: 'ຕິດຕໍ່ກັບ',
    phone: 'ເບີໂທລະສັບ (ຖ້າຕ້ອງການໃຫ້ພວກເຮົາຕິດຕໍ່ກັບ)',
    phoneHint: 'ຕົວຢ່າງ: 020 5555 1234',
    consent: 'ຂ້ອຍຍິນຍອມໃຫ້ຕິດຕໍ່ຂ້ອຍ ກ່ຽວກັບຄຳຄິດເຫັນນີ້',
    anonymous: 'ສົ່ງແບບບໍ່ລະບຸຕົວຕົນ',
    privacy: 'ເບີໂທຂອງທ່ານຖືກເຂົ້າລະຫັດ ແລະ ໃຊ້ພຽງເພື່ອຕອບກັບທ່ານເທົ່ານັ້ນ.',
    submit: 'ສົ່ງຄຳຄິດເຫັນ',
    errorsTitle: 'ກະລຸນາແກ້ໄຂຂໍ້ມູນຕໍ່ໄປນີ້:',
    thanksTitle: 'ຂອບໃຈ!',
    thanks: 'ພວກເຮົາໄດ້ຮັບຄຳຄິດເຫັນຂອງທ່ານແລ້ວ.',
    code: 'ລະຫັດຕິດຕາມ',
    keepCode: 'ເກັບລະຫັດນີ້ໄວ້ ເພື່ອກວດເບິ່ງສະຖານະ.',
    another: 'ສົ່ງຄຳຄິດເຫັນອີກ',
    checkStatus: 'ກວດເບິ່ງສະຖານະ',
    unavailableTitle: 'ລະບົບບໍ່ພ້ອມໃຊ້ງານຊົ່ວຄາວ',
    unavailable: 'ຍັງບໍ່ໄດ້ບັນທຶກຄຳຄິດເຫັນຂອງທ່ານ. ກະລຸນາລອງໃໝ່ໃນອີກບໍ່ເທົ່າໃດນາທີ.',
    tryAgain: 'ລອງໃໝ່',
    errors: {
      required: 'ກະລຸນາເລືອກ ຫຼື ປ້ອນຂໍ້ມູນນີ້.',
      invalid: 'ຂໍ້ມູນນີ້ບໍ່ຖືກຕ້ອງ.',
      unknown_field: 'ບໍ່ຮັບຂໍ້ມູນນີ້.',
      unknown_center: 'ບໍ່ມີສູນບໍລິການນີ້.',
      unknown_service: 'ບໍ່ມີບໍລິການນີ້.',
      rating_range: 'ກະລຸນາເລືອກຄະແນນ 1 ຫາ 5.',
      text_too_long: 'ຄຳຄິດເຫັນຍາວເກີນໄປ.',
      empty_feedback: 'ກະລຸນາໃຫ້ຄະແນນ ຫຼື ຂຽນຄຳຄິດເຫັນ.',
      phone_invalid: 'ເບີໂທນີ້ບໍ່ຖືກຕ້ອງ (ຕົວຢ່າງ: 020 5555 1234).',
      consent_required: 'ກະລຸນາໝາຍຍິນຍອມ ຖ້າຕ້ອງການໃຫ້ຕິດຕໍ່ກັບ, ຫຼື ລຶບເບີໂທອອກ.',
      anonymous_with_contact: 'ການສົ່ງແບບບໍ່ລະບຸຕົວຕົນ ບໍ່ສາມາດມີເບີໂທໄດ້.',
    } as Record<string, string>,
  },
  en: {
    title: 'Feedback on One-Door Service Centers',
    intro: 'Your feedback helps improve the service. It takes less than a minute.',
    switchTo: 'ພາສາລາວ',
    center: 'Service center you visited',
    choose: '— choose —',
    service: 'Service you used (optional)',
    serviceNone: '— not specified —',
    rating: 'How satisfied were you with the service?',
    ratings: ['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'],
    text: 'Comment or complaint',
    textHint: 'Write in Lao or English. Say what happened, and when.',
    contactLegend: 'Contact',
    phone: 'Phone number (if you want us to contact you)',
    phoneHint: 'For example: 020 5555 1234',
    consent: 'I agree to be contacted about this feedback',
    anonymous: 'Send anonymously',
    privacy: 'Your number is encrypted and used only to reply to you.',
    submit: 'Send feedback',
    errorsTitle: 'Please correct the following:',
    thanksTitle: 'Thank you!',
    thanks: 'We have received your feedback.',
    code: 'Tracking code',
    keepCode: 'Keep this code to check the status.',
    another: 'Send more feedback',
    checkStatus: 'Check the status',
    unavailableTitle: 'Temporarily unavailable',
    unavailable: 'Your feedback was not saved yet. Please try again in a few minutes.',
    tryAgain: 'Try again',
    errors: {
      required: 'Please choose or fill in this field.',
      invalid: 'This value is not valid.',
      unknown_field: 'This field is not accepted.',
      unknown_center: 'There is no such service center.',
      unknown_service: 'There is no such service.',
      rating_range: 'Please choose a rating from 1 to 5.',
      text_too_long: 'The comment is too long.',
      empty_feedback: 'Please give a rating or write a comment.',
      phone_invalid: 'This phone number is not valid (e.g. 020 5555 1234).',
      consent_required: 'Tick the consent box to be contacted, or remove the number.',
      anonymous_with_contact: 'Anonymous feedback cannot include a phone number.',
    } as Record<string, string>,
  },
} as const;

export type Strings = (typeof STRINGS)[Lang];

export function pickLang(q: unknown): Lang {
  return q === 'en' ? 'en' : 'lo';
}

/** What a feedback's status is called, for citizens (web pages and SMS alike). */
export const STATUS_LABELS: Record<
  Lang,
  Record<'received' | 'in_review' | 'resolved' | 'closed', string>
> = {
  lo: { received: 'ໄດ້ຮັບແລ້ວ', in_review: 'ກຳລັງພິຈາລະນາ', resolved: 'ແກ້ໄຂແລ້ວ', closed: 'ປິດແລ້ວ' },
  en: { received: 'received', in_review: 'being reviewed', resolved: 'resolved', closed: 'closed' },
};
