/**
 * The words of the catalog screen (admins: centers, services and topics), Lao first and English
 * second, in the language i18n.ts holds. Beside i18n.ts, as insight-i18n.ts, so the screen's words
 * stay with it.
 */
import { getLang } from './i18n';

type Pair = readonly [lo: string, en: string];

const S = {
  navCatalog: ['ສູນ ແລະ ບໍລິການ', 'Catalog'],
  title: ['ສູນບໍລິການ, ບໍລິການ ແລະ ຫົວຂໍ້', 'Centers, services and topics'],
  intro: [
    'ການປ່ຽນແປງໄປເຖິງແບບຟອມເວັບ, ແທັບເລັດ, ເມນູ Telegram ແລະ ການຈັດປະເພດຂໍ້ຄວາມ ພາຍໃນໜຶ່ງນາທີ. ບໍ່ມີຫຍັງຖືກລຶບ: ປິດການນຳໃຊ້ແທນ, ຄຳຕິຊົມທີ່ຜ່ານມາຍັງຮັກສາລະຫັດຂອງມັນ.',
    'Changes reach the web form, the kiosks, the Telegram menus and the classifier within a minute. Nothing is deleted: switch an entry off instead; past feedback keeps its code.',
  ],
  centers: ['ສູນບໍລິການ', 'Centers'],
  services: ['ບໍລິການ', 'Services'],
  topics: ['ຫົວຂໍ້', 'Topics'],
  code: ['ລະຫັດ', 'Code'],
  name: ['ຊື່', 'Name'],
  nameLo: ['ຊື່ເປັນພາສາລາວ', 'Name in Lao'],
  nameEn: ['ຊື່ເປັນພາສາອັງກິດ', 'Name in English'],
  placeLo: ['ສະຖານທີ່ເປັນພາສາລາວ', 'Place in Lao'],
  placeEn: ['ສະຖານທີ່ເປັນພາສາອັງກິດ', 'Place in English'],
  placeHint: [
    'ຊື່ເມືອງ ຫຼື ແຂວງ ທີ່ເມນູ Telegram ສະແດງ ແລະ ທີ່ການຈັດປະເພດຊອກຫາໃນຂໍ້ຄວາມ. ວ່າງໄວ້: ໃຊ້ຊື່ຂ້າງເທິງ.',
    'The district or province name the Telegram menus show and the classifier looks for in messages. Empty: the name above.',
  ],
  province: ['ແຂວງ', 'Province'],
  moveHint: ['ຍ້າຍໄປແຂວງອື່ນ: ລະຫັດຄົງເດີມ.', 'Moving to another province keeps the code.'],
  level: ['ລະດັບ', 'Level'],
  levelProvince: ['ສູນຂັ້ນແຂວງ', 'Provincial center'],
  levelDistrict: ['ສູນຂັ້ນເມືອງ', 'District center'],
  ministry: ['ກະຊວງ', 'Ministry'],
  status: ['ສະຖານະ', 'Status'],
  active: ['ນຳໃຊ້ຢູ່', 'Active'],
  inactive: ['ປິດແລ້ວ', 'Switched off'],
  actions: ['ຄຳສັ່ງ', 'Actions'],
  edit: ['ແກ້ໄຂ', 'Edit'],
  save: ['ບັນທຶກ', 'Save'],
  cancel: ['ຍົກເລີກ', 'Cancel'],
  deactivate: ['ປິດການນຳໃຊ້', 'Switch off'],
  activate: ['ເປີດນຳໃຊ້ຄືນ', 'Switch on'],
  addCenter: ['ເພີ່ມສູນບໍລິການ', 'Add a center'],
  addService: ['ເພີ່ມບໍລິການ', 'Add a service'],
  add: ['ເພີ່ມ', 'Add'],
  codeHintCenter: [
    'LA-XX ສຳລັບສູນຂັ້ນແຂວງ, LA-XX-ເມືອງ ສຳລັບສູນຂັ້ນເມືອງ (ຕົວອັກສອນລາຕິນ, ຕົວຢ່າງ LA-LP-NAMBAK). ປ່ຽນພາຍຫຼັງບໍ່ໄດ້.',
    'LA-XX for a provincial center, LA-XX-DISTRICT for a district center (Latin letters, e.g. LA-LP-NAMBAK). It cannot change later.',
  ],
  codeHintService: [
    'ຕົວອັກສອນລາຕິນນ້ອຍ, ຕົວເລກ ແລະ _ (ຕົວຢ່າງ water_supply). ປ່ຽນພາຍຫຼັງບໍ່ໄດ້.',
    'Lower-case Latin letters, digits and _ (e.g. water_supply). It cannot change later.',
  ],
  topicsHint: [
    'ຫົວຂໍ້ເປັນສ່ວນໜຶ່ງຂອງລະບົບຮັບຄຳຕິຊົມ: ປ່ຽນຊື່ ແລະ ປິດໄດ້ທີ່ນີ້; ຫົວຂໍ້ໃໝ່ຕ້ອງອອກລຸ້ນໃໝ່ຂອງລະບົບ.',
    'Topics are part of the intake: rename them or switch them off here; a new topic needs a new release.',
  ],
  saved: ['ບັນທຶກແລ້ວ.', 'Saved.'],
  added: ['ເພີ່ມແລ້ວ: {code}.', 'Added: {code}.'],
  switchedOff: [
    'ປິດການນຳໃຊ້ {code} ແລ້ວ: ບໍ່ສະເໜີໃນແບບຟອມ, ແທັບເລັດ ແລະ Telegram ອີກ.',
    '{code} switched off: no longer offered on the form, the kiosks and Telegram.',
  ],
  switchedOn: ['ເປີດນຳໃຊ້ {code} ຄືນແລ້ວ.', '{code} switched on again.'],
  count: ['{active} ນຳໃຊ້ຢູ່, {off} ປິດແລ້ວ', '{active} active, {off} switched off'],
} satisfies Record<string, Pair>;

export type CatalogKey = keyof typeof S;

/** A word of the catalog screen in the current language, with {name} replaced from vars. */
export function tc(key: CatalogKey, vars: Record<string, string | number> = {}): string {
  return S[key][getLang() === 'lo' ? 0 : 1].replace(/\{(\w+)\}/g, (_m, k: string) =>
    String(vars[k] ?? ''),
  );
}
