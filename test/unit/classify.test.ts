/** The text classifier on its own: the scores it must hold on the labelled set, and the rules behind them. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { seedCatalogView } from '../../shared/catalog/catalog';
import { evaluate } from '../../shared/classify/evaluate';
import { fold } from '../../shared/classify/fold';
import { phraseToLearn } from '../../shared/classify/learn';
import { TextClassifier } from '../../shared/classify/text-classifier';
import { readLabelled } from '../../scripts/eval-classify';

const catalog = seedCatalogView();
const c = new TextClassifier(catalog);
/** Each text's center is the code beside it. */
const expectCenters = (cases: [string, string][]) => {
  for (const [text, code] of cases) expect(c.classify(text).center.code).toBe(code);
};
const dev = readLabelled(path.resolve(__dirname, '../fixtures/classify-dev.jsonl'));

test('the labelled set is large and varied enough to mean something', () => {
  expect(dev.length).toBeGreaterThanOrEqual(300);
  const lao = dev.filter((m) => /[\u0E80-\u0EFF]/.test(m.text) && !/[a-z]/i.test(m.text)).length;
  const latin = dev.filter((m) => !/[\u0E80-\u0EFF]/.test(m.text)).length;
  expect(lao).toBeGreaterThan(100);
  expect(latin).toBeGreaterThan(100);
  expect(dev.filter((m) => m.center === null).length).toBeGreaterThan(60);
});

test('scores on the labelled set hold: center and service ≥ 0.90, center precision ≥ 0.95, topics F1 ≥ 0.80', () => {
  const r = evaluate(c, dev);
  expect(r.center.accuracy).toBeGreaterThanOrEqual(0.9);
  expect(r.center.precision).toBeGreaterThanOrEqual(0.95);
  expect(r.center.noneKept).toBeGreaterThanOrEqual(0.95);
  expect(r.service.accuracy).toBeGreaterThanOrEqual(0.9);
  expect(r.service.precision).toBeGreaterThanOrEqual(0.95);
  expect(r.topics.f1).toBeGreaterThanOrEqual(0.8);
  expect(r.kind.accuracy).toBeGreaterThanOrEqual(0.8);
});

test('Lao spelling variants fold together', () => {
  expect(fold('ຫຼວງພະບາງ')).toBe(fold('ຫລວງພະບາງ'));
  expect(fold('ໜ້າ')).toBe(fold('ຫນ້າ'));
  expect(fold('ໝາ')).toBe(fold('ຫມາ'));
  expect(fold('ສຳມະໂນຄົວ')).toBe(fold('ສໍາມະໂນຄົວ'));
  expect(fold('ສໍ້ຣາດ')).toBe(fold('ສໍ້ລາດ'));
  expect(fold('ລໍ\u200Bຖ້າ ໓ ມື້')).toBe('ລໍຖ້າ 3 ມື້');
  expect(fold('Savannakhét')).toBe('savannakhet');
  // ນ້ຳ and ນໍ້າ (a tone mark and ໍ typed in either order) are one word; ໍ comes first, as in ບໍ່.
  expect(fold('ນ້ຳ')).toBe('ນ\u0ECD\u0EC9າ');
  expect(fold('ນໍ້າ')).toBe('ນ\u0ECD\u0EC9າ');
  expect(fold('ບໍ່ ພໍ່')).toBe('ບໍ່ ພໍ່');
  expect(fold('ກ\u0EC8\u0ECD ກ\u0ECB\u0ECD')).toBe('ກ\u0ECD\u0EC8 ກ\u0ECD\u0ECB');
  expect(fold('ກ\u0ECC\u0ECD')).toBe('ກ\u0ECC\u0ECD');
  // Either spelling finds the same center and service.
  expect(c.classify('ສໍາມະໂນຄົວ ຫລວງພະບາງ').center.code).toBe('LA-LP');
  expect(c.classify('ສໍາມະໂນຄົວ ຫລວງພະບາງ').service.code).toBe('family_book');
});

test('"Vientiane" alone is the capital; with province or ແຂວງ it is Vientiane Province', () => {
  expect(c.classify('vientiane odsc slow').center.code).toBe('LA-VT');
  expect(c.classify('vientiane province odsc slow').center.code).toBe('LA-VI');
  expect(c.classify('ວຽງຈັນ ຊ້າ').center.code).toBe('LA-VT');
  expect(c.classify('ແຂວງວຽງຈັນ ຊ້າ').center.code).toBe('LA-VI');
});

test('spelling slips in romanised names are forgiven, and marked fuzzy', () => {
  const r = c.classify('Savanaket center good');
  expect(r.center).toMatchObject({ code: 'LA-SV', method: 'fuzzy' });
  expect(c.classify('Luangprabang').center.code).toBe('LA-LP');
  expect(c.classify('Xaisettha office').center.code).toBe('LA-VT-XAYSETHA');
});

test('a town means its center; a district center beats its province', () => {
  expect(c.classify('pakse office slow').center.code).toBe('LA-CH');
  expect(c.classify('ທ່າແຂກ ດີ').center.code).toBe('LA-KH');
  expect(c.classify('Xaythany, Vientiane capital').center.code).toBe('LA-VT-XAYTHANY');
});

test('"ເມືອງ" + a district name is that district, not a town whose name it starts with', () => {
  // ເມືອງໄຊ is Oudomxay's town; ເມືອງໄຊເສດຖາ is Xaysettha district of the capital.
  expect(c.classify('ຢູ່ຫ້ອງການເມືອງໄຊເສດຖາ ລໍຖ້າດົນ').center.code).toBe('LA-VT-XAYSETHA');
  expect(c.classify('ເມືອງໄຊທານີ').center.code).toBe('LA-VT-XAYTHANY');
  expect(c.classify('ຢູ່ເມືອງໄຊ ລໍຖ້າດົນ').center.code).toBe('LA-OU');
});

test('negation does not flip meaning, in Lao and English', () => {
  expect(c.classify('ພະນັກງານບໍ່ສຸພາບ').kind.code).toBe('complaint');
  expect(c.classify('ພະນັກງານສຸພາບ').kind.code).toBe('praise');
  expect(c.classify('staff not polite').kind.code).toBe('complaint');
  const noBribe = c.classify('no bribe asked, fast service');
  expect(noBribe.kind.code).toBe('praise');
  expect(noBribe.sentiment).toBeGreaterThan(0);
  expect(c.classify('ບໍ່ມີສິນບົນ ບໍລິການດີ').kind.code).toBe('praise');
  expect(c.classify('staff asked for a bribe').kind.code).toBe('complaint');
  // A Lao negator negates the word written right after it, not a later one in the same run.
  expect(c.classify('ພະນັກງານບໍ່ສຸພາບ ຂໍເງິນ 100,000 ກີບ ເພື່ອເຮັດໃບຕາດິນໃຫ້ໄວ').kind.code).toBe('complaint');
  expect(c.classify('staff not very polite').kind.code).toBe('complaint');
});

test('a Lao word is not found inside another syllable', () => {
  // ໄວ (fast) must not match the first letters of ໄວ້ (keep).
  expect(c.classify('ເກັບໄວ້').topics.map((t) => t.code)).not.toContain('waiting_time');
  expect(c.classify('ບໍລິການໄວ').topics.map((t) => t.code)).toContain('waiting_time');
});

test('money amounts with Lao digits are fees; questions and suggestions are told apart', () => {
  const r = c.classify('ຈ່າຍ ໑໕໐,໐໐໐ ກີບ ບໍ່ມີໃບບິນ');
  expect(r.topics.map((t) => t.code)).toEqual(expect.arrayContaining(['fees', 'informal_payment']));
  expect(c.classify('how much is the fee for a family book?').kind.code).toBe('question');
  expect(c.classify('ຄວນມີບ່ອນຈອດລົດ ຫຼາຍກວ່ານີ້').kind.code).toBe('suggestion');
});

test('where the citizen lives or comes from, or a property lies, is not the center; where they were served is', () => {
  for (const text of [
    'ຂ້ອຍຢູ່ບ້ານໂພນຕ້ອງ ເມືອງຈັນທະບູລີ',
    'ມາຈາກ ຫ້ວຍຊາຍ ຢາກຖາມ ວ່າ ຂໍໃບອະນຸຍາດສົ່ງອອກ ຕ້ອງມີຫຍັງແດ່',
    'ເມຍຂ້ອຍເປັນຄົນສາລະວັນ ໄປແຈ້ງເກີດລູກ ພະນັກງານປະຕິເສດ',
    'we are from Sekong, how do we register a birth?',
    "We want to add a second floor to my parents' house in Hadxaifong",
  ])
    expect(c.classify(text).center.code).toBeNull();
  // Served somewhere else than home: the place of service stays.
  expect(c.classify('ຂ້ອຍຢູ່ສັງທອງ ແຕ່ໄປເຮັດບັດຢູ່ ສູນປາກເຊ ໄວດີ').center.code).toBe('LA-CH');
  expect(c.classify('family book ເຮັດຢູ່ VTE ໄດ້ບໍ ຖ້າທະບຽນບ້ານຢູ່ສາລະວັນ').center.code).toBe('LA-VT');
  // Someone else "at" a place is not where the writer lives: the death certificate at LPB.
  expect(c.classify('ໃບມໍລະນະບັດ ພໍ່ ຢູ່ LPB 1 month').center.code).toBe('LA-LP');
  // Going to, being in or working at a place is being served there; "workshop in" is no "shop in".
  expectCenters([
    ['I came to Xaysettha office and waited 3 hours', 'LA-VT-XAYSETHA'],
    ['The team in Xaysettha office was very helpful', 'LA-VT-XAYSETHA'],
    ['I am in Pakse center now, waiting 2 hours', 'LA-CH'],
    ['welcome to Pakse, the workshop in Pakse was useful', 'LA-CH'],
    // ຢູ່ບ້ານ "at home" in unspaced Lao, then the center: not an address.
    ['ລືມເອກະສານໄວ້ຢູ່ບ້ານຕ້ອງກັບໄປເອົາແລ້ວມາສູນໄຊເສດຖາອີກ', 'LA-VT-XAYSETHA'],
  ]);
  // An emoji before a Latin name does not shift where the rule looks.
  expect(c.classify('👍 we are from Sekong, how do we register a birth?').center.code).toBeNull();
});

test('birthplace, an address, "came from", "living in", "here in" and parents\' home are no center', () => {
  for (const text of [
    'ມາແຕ່ອັດຕະປື ຢາກຖາມເລື່ອງໃບຂັບຂີ່',
    'ເກີດປີ1980ຢູ່ສາລະວັນ ຕ້ອງການສຳເນົາໃບແຈ້ງເກີດ',
    'ຂ້ອຍເປັນນາຍບ້ານ ບ້ານໂພນໄຊ ເມືອງປາກຊັນ ຢາກໃຫ້ມີບໍລິການເຄື່ອນທີ່',
    'ຂ້ອຍຢູ່ເມືອງຄູນ ຊຽງຂວາງ ຕໍ່ບັດຢູ່ໃສ',
    "I'm from Japan, living in Chanthabouly, can I register a company?",
    'ບ້ານໂພນຕ້ອງ ເມືອງຈັນທະບູລີ ຢາກຖາມເລື່ອງບັດ',
    'ພໍ່ແມ່ຢູ່ນາຊາຍທອງ ຈະໂອນດິນໃຫ້ລູກ',
  ])
    expect(c.classify(text).center.code).toBeNull();
  // Registering a birth at a place is being served there; "here in" the office is served there.
  expect(c.classify('ໄປແຈ້ງເກີດຢູ່ໄຊເສດຖາ ໄວດີ').center.code).toBe('LA-VT-XAYSETHA');
  expect(c.classify('The office here in Pakse made me wait 3 hours').center.code).toBe('LA-CH');
});

test('"but now living in", "came to live with … in" and "I\'m from" are no center; being at a center is', () => {
  for (const text of [
    'ແມ່ຕູ້ມາຢູ່ນຳລູກທີ່ປາກເຊ ຢາກເອົາຊື່ເຂົ້າສຳມະໂນຄົວ ເຮັດແນວໃດ',
    'ແມ່ຕູ້ມາຢູ່ນຳ ລູກສາວ ທີ່ປາກເຊ ຢາກເອົາຊື່ເຂົ້າສຳມະໂນຄົວ',
    'ເກີດຢູ່ຜົ້ງສາລີ ແຕ່ດຽວນີ້ຢູ່ນະຄອນຫຼວງ ຢາກປ່ຽນບັດປະຈຳຕົວ',
    'I’m from Sekong, how do I renew my ID card?',
  ])
    expect(c.classify(text).center.code).toBeNull();
  // Being at a place now, or at its center, is being served there.
  expect(c.classify('ດຽວນີ້ຢູ່ປາກເຊ ຄິວຍາວຫຼາຍ').center.code).toBe('LA-CH');
  expect(c.classify('ແຕ່ດຽວນີ້ຢູ່ສູນປາກເຊ ລໍຖ້າ 2 ຊົ່ວໂມງ').center.code).toBe('LA-CH');
  // A business's place is where its licence is asked for.
  expect(c.classify('registering a company in Pakse next month, what papers?').center.code).toBe(
    'LA-CH',
  );
});

test('romanised "I live in" and "I am from", a relative\'s or a volunteer\'s place are no center; "the capital center" is Vientiane Capital, "Sisat" Sisattanak', () => {
  for (const text of [
    'I want to build a small shed behind my house, need a permit? khoy yu Naxaithong',
    'My mum in Savannakhet needs to add my baby brother to our family book, can she do it alone?',
    'import of used cars, is it allowed again? my friend in Savan says yes',
    "I'm volunteering in Xam Neua, who does my work permit?",
    'khoy pen khon Sekong, bat pa cham tua mot ayu, het yu sai dai?',
    'koy yu Sikhottabong, het bai anuyat puk heuan yu sai?',
    'sabaidee, ma jak Attapeu, jaeng keut luk tong sai ekasan nyang?',
  ])
    expect(c.classify(text).center.code).toBeNull();
  for (const text of [
    'Parking at the capital ODSC is a nightmare',
    'renewed my licence at the capital center today, quick',
    'the capital centre made me wait 2 hours',
  ])
    expect(c.classify(text).center.code).toBe('LA-VT');
  // "Sisat", the everyday short name of Sisattanak.
  expect(c.classify('mue ni pai jaeng tai ya yu sun Sisat').center.code).toBe('LA-VT-SISATTANAK');
  // Named as a center right after, the place is where they are: "khoy yu" is also "I am at".
  expectCenters([
    ['khoy yu Pakse ODSC now, queue is 3 hours', 'LA-CH'],
    ['My mother in Savannakhet center waited 3 hours', 'LA-SV'],
    // "khong khoy yu", ຂອງຂ້ອຍຢູ່: something of mine at a place, not where I live.
    ['bai ta din khong khoi yu Pakse bo dai jak 3 deuan', 'LA-CH'],
    ['ໃບຕາດິນຂອງຂ້ອຍຢູ່ປາກເຊ ບໍ່ໄດ້ຈັກເທື່ອ', 'LA-CH'],
    ['ເອກະສານຂອງພວກເຮົາຢູ່ປາກເຊ ຫາຍໄປ', 'LA-CH'],
  ]);
  // Only "is at" forms: coming from or living in a place stays no center, even before "center".
  expect(c.classify('I live in Pakse centre and the staff here are slow').center.code).toBeNull();
  expect(c.classify('ມາຈາກປາກເຊ ສູນນີ້ບໍລິການດີ').center.code).toBeNull();
  // A province's or district's capital is not Vientiane Capital.
  expect(c.classify('the provincial capital center is slow').center.code).not.toBe('LA-VT');
});

test("where the writer works, an NGO's area and a special economic zone are no center; staff working at a center still name it", () => {
  for (const text of [
    "I'm from Sekong but working in Vientiane now, can I renew my ID card here?",
    'I am a Thai national working in Vientiane for 2 years now. Can I convert my driving licence?',
    'ຂ້ອຍມາຈາກ ອັດຕະປື ມາເຮັດວຽກຢູ່ນະຄອນຫຼວງ ຈະຕໍ່ບັດປະຈຳຕົວ ຢູ່ນີ້ໄດ້ບໍ',
    'ຂ້ອຍເຮັດວຽກແມ່ບ້ານຢູ່ນະຄອນຫຼວງ ຈະຍ້າຍຊື່ມາໄດ້ບໍ',
    'Our NGO helps rural families in Sekong register their children. How much is the fine?',
    'Our NGO volunteers in Phongsaly see many elderly women with no ID card.',
    'We plan a garment workshop in the Savan SEZ. Which licence do we need?',
    'a factory site near the Savannakhet SEZ: investment licence from the province?',
    "Hi, I'm a volunteer doctor in Attapeu. Can I get a Lao driving licence with my own?",
    // Land one has, sells or buys somewhere, and a stall at a market, are not where one is served.
    'ພໍ່ແມ່ມີດິນຢູ່ປາກງື່ມ ຖ້າຈະໂອນດິນມາເປັນຊື່ຂ້ອຍ ຕ້ອງໄປເຮັດຢູ່ໃສ?',
    'khoy sue din yu Bokeo, tong kap pai het bai ta din yu ban bor',
    'ຂ້ອຍຂາຍເຄື່ອງຍ່ອຍ ຢູ່ຕະຫຼາດຫ້ວຍຊາຍ ອາກອນເໝົາຈ່າຍ ເພີ່ມຂຶ້ນເກືອບເທົ່າໂຕ',
    'khoy pen sao khai phak yu talat Phonsavan, tong jai akon maw thao dai?',
    'i am from phongsaly, study in vte. can renew id card here or must go home?',
    // ແປກໜ້າ, "a stranger", is not Pek.
    'ສຳມະໂນຄົວແມ່ຂ້ອຍ ມີຊື່ຄົນແປກໜ້າຄົນໜຶ່ງ ບໍ່ຮູ້ຈັກເລີຍ',
    // Everyday romanised Lao words joined are no place ("bok bo" Bokeo, "phom khong" Phonhong,
    // "pai san" Paksan), nor a person's name after a title, nor a hospital.
    'jao nathi bok wa ekasan khoy bo khop, ma 3 thue laew, thue la bok bo khuen kan',
    'ran tat phom khong khoy peut ma 3 pi laew yang bo mi bai anuyat',
    'ya hang kan dee dee, bor pai san, het yu one door leuy dai bor?',
    'Dear sir this is Mrs Phonesavanh, I sent to the wrong group, please ignore',
    'My aunt lived in Xaisomboun but died in a hospital in Vientiane. Where do we report it?',
    'ເມຍຂ້າພະເຈົ້າ ເກີດລູກ ຢູ່ໂຮງໝໍມິດຕະພາບ ໃນນະຄອນຫຼວງ ແຈ້ງເກີດຢູ່ໃສ',
  ])
    expect(c.classify(text).center.code).toBeNull();
  expectCenters([
    ['the staff working in Pakse center were rude to my mother', 'LA-CH'],
    ['ພະນັກງານທີ່ເຮັດວຽກຢູ່ສູນປາກເຊ ບໍລິການດີ', 'LA-CH'],
    ['i think staff working in pakse odsc need training', 'LA-CH'],
    ['ພະນັກງານມາເຮັດວຽກຊ້າຢູ່ປາກເຊ', 'LA-CH'],
    ['ເຈົ້າໜ້າທີ່ບໍ່ມາເຮັດວຽກຢູ່ໄຊທານີ ຫຼາຍມື້ແລ້ວ', 'LA-VT-XAYTHANY'],
    ['the ngo lawyer filed our papers in Xaythany office', 'LA-VT-XAYTHANY'],
    ['had to stay in pakse odsc all day', 'LA-CH'],
    // The writer's own work, but at the center named right after the place.
    ['I work in Pakse center, the printer is broken', 'LA-CH'],
    // A market named only as where the center is.
    ['ສູນບໍລິການປະຕູດຽວ ໃກ້ຕະຫຼາດຫ້ວຍຊາຍ ປິດ', 'LA-BK'],
    ['the odsc near talat phonsavan was closed', 'LA-XI-PEK'],
    ['we are at the Savan SEZ one-stop office', 'LA-SV'],
    // Romanised "province" before Vientiane: Vientiane Province.
    ['khwaeng Viengchan, het bai ta din pho mae ma 8 deuan laew', 'LA-VI'],
    ['ໄປສູນປາກເຊ ໃກ້ໂຮງໝໍ ຄິວຍາວ', 'LA-CH'],
    // Without "in the", the zone's investor is at the Savan center (a labelled message).
    ['Savan SEZ investor here - investment licence 5 months', 'LA-SV'],
    // Transferring land at a place (ໂອນດິນຢູ່), building a house there: served there.
    ['ໂອນດິນຢູ່ໄຊທານີ ລໍຖ້າ 3 ເດືອນ', 'LA-VT-XAYTHANY'],
    // "i live X" without "in" is where they live; the office they went to is the center.
    [
      'i live xaythany but go chanthabouly office 4 family book, they say go back',
      'LA-VT-CHANTHABOULY',
    ],
    [
      'het bai anuyat puk heuan yu Sikhottabong, phanakngan ma beung thi din hai leuy',
      'LA-VT-SIKHOTTABONG',
    ],
  ]);
});

test('a question (not a complaint) about opening or investing in a business, or about moving, naming no center, is no center', () => {
  for (const text of [
    'ຢາກເປີດຮ້ານກາເຟນ້ອຍຢູ່ຫຼວງພະບາງ ຕ້ອງຈ່າຍອາກອນເທົ່າໃດ?',
    'I want to open a small coffee shop in Vientiane. Do I need an investment licence?',
    'moved from Salavan to Vientiane 2 years ago, must I transfer my family book?',
    'ຍ້າຍສຳມະໂນຄົວຈາກສາລະວັນມານະຄອນຫຼວງ ຕ້ອງກັບໄປສາລະວັນກ່ອນບໍ?',
    'khoy yak long theun pouk kafe yu Sekong, tong yeun yu sai?',
    'Moving to Vientiane soon, where do I transfer my family book?',
  ])
    expect(c.classify(text).center.code).toBeNull();
  expectCenters([
    ['the investment licence took 7 months in Vientiane capital, why?', 'LA-VT'],
    ['How long does a restaurant licence take in Luang Prabang?', 'LA-LP'],
    ['is my family book ready in Pakse or must I go to Vientiane?', 'LA-CH'],
    // Named as a center, the place stays the center even in such a question.
    ['ຢາກເປີດຮ້ານອາຫານ ຕ້ອງຍື່ນຢູ່ສູນປາກເຊ ບໍ?', 'LA-CH'],
    ['I want to open a shop, can the Pakse ODSC do the licence?', 'LA-CH'],
    // A complaint keeps its center.
    ['I wanted to open a shop in Pakse but they asked for a bribe, why?', 'LA-CH'],
    // Opening hours, a center starting something, staff or the center moving: not a business
    // or a family's move.
    ['ປາກເຊ ຈະເປີດວັນເສົາບໍ?', 'LA-CH'],
    ['ມື້ອື່ນຈະເປີດບໍ ຢູ່ປາກເຊ?', 'LA-CH'],
    ['Is Pakse going to open on Saturdays?', 'LA-CH'],
    ['When is Xaythany going to start the online queue?', 'LA-VT-XAYTHANY'],
    ['ພະນັກງານຍ້າຍໄປແລ້ວບໍ ຢູ່ປາກເຊ?', 'LA-CH'],
    ['Why did Pakse move to the new building?', 'LA-CH'],
    // Being at the place is being served there.
    ['ມາຮອດປາກເຊແລ້ວ ເຮັດທາງນີ້ໄດ້ບໍ?', 'LA-CH'],
    ['I am at Pakse now, can I renew here or must I go back to Salavan?', 'LA-CH'],
    ['ຂ້ອຍໄປເຮັດບັດຢູ່ປາກເຊ ຄິວຍາວ ຫລື ວຽງຈັນໄວກວ່າ?', 'LA-CH'],
  ]);
});

test('romanised "came from" (ma jaak), "but now living in" (ແຕ່ຕອນນີ້ຢູ່) and the words for a death certificate and insurance name no place', () => {
  for (const text of [
    'khoy ma jaak Huaphan, bai khup khi mot ayu',
    'ເກີດຢູ່ຜົ້ງສາລີ ແຕ່ຕອນນີ້ຢູ່ນະຄອນຫຼວງ ຢາກປ່ຽນບັດປະຈຳຕົວ',
    'lo bai molanabat 3 aathit, bo dai ao ngern jak bolisat pakan',
  ])
    expect(c.classify(text).center.code).toBeNull();
  // Without ແຕ່, being at a place now is being served there.
  expect(c.classify('ຕອນນີ້ຢູ່ປາກເຊ ຄິວຍາວ').center.code).toBe('LA-CH');
});

test('romanised "I work in", land sold, a trip, "from X, working in", and ບ. / ມ. for ບ້ານ / ເມືອງ are no center', () => {
  for (const text of [
    'khoy het viak yu VTE, yak ao sue mae ma khao samanokhua nam khoy, tong kap pai ban bor?',
    'ma het viak rong ngan tat seua yu Vientiane. bat pachamtua hai, tong kap ban bor?',
    'khoy khay din yu Salavan hai khon Viet, tong het bai anuyat bor?',
    'My husband passed away while we were travelling in Luang Prabang. Who issues the death certificate?',
    'I am from Salavan, working in Vientiane as a driver. To change my licence I must go home?',
    'ສ້າງເຮືອນແຖວໃຫ້ເຊົ່າ ຕ້ອງຂໍອະນຸຍາດຢູ່ເມືອງ ຫລືແຂວງ ຂ້ອຍຢູ່ ມ.ໄຊທານີ',
    'ຂ້ອຍຢູ່ ບ.ໂພນທັນ ມ.ໄຊເສດຖາ ຢາກເຮັດບັດປະຈຳຕົວໃໝ່',
    'khoy pen khon Phongsaly ma het ngan yu VTE. bat pa jam tua hay, tong kab pai het yu baan bor',
    'My mother live in Champasak, she sick cannot travel. Can I renew her ID card for her?',
    'My uncle died 2 month ago in Luang Namtha. Death certificate must report within how many days?',
    'ຢາກເປີດ tour company ນ້ອຍໆ ຢູ່ LPB ຕ້ອງມີເງິນຄ້ຳປະກັນ ເທົ່າໃດ?',
    'My Japanese company want invest a factory in Savannakhet, which licence?',
    'laoban yak ko long theun pluk kuay yu Oudomxay, tong het jang dai?',
    'pho tai yu hong mor Pakse. ja ao bai molanabat tong ao nyang ma?',
    'khoy khai khong yu talad Attapeu, tong tor bai anuyat thuk pi bor?',
  ])
    expect(c.classify(text).center.code).toBeNull();
  expectCenters([
    // Staff who work at the center, and the center named right after the place, still name it.
    ['jao nathi ma het viak yu soun Pakse sao lai', 'LA-CH'],
    ['khoy het viak yu Pakse odsc, printer pae', 'LA-CH'],
    ['the staff working in Pakse were rude to my mother', 'LA-CH'],
    ['the staff, working in Pakse, were rude', 'LA-CH'],
    ['jao nathi ma het viak yu Pakse sao lai', 'LA-CH'],
    ['jao nathi bo ma het viak yu Pakse leuy', 'LA-CH'],
    ['phanakngan ma het viak yu Xaythany sao lai', 'LA-VT-XAYTHANY'],
    // Machines and queues that "died", staff at work, a center opening something: still there.
    ['The system died again at Chanthabouly, came back tomorrow', 'LA-VT-CHANTHABOULY'],
    ['I nearly died waiting at Xaythany', 'LA-VT-XAYTHANY'],
    ['We nearly died in the heat at Sisattanak', 'LA-VT-SISATTANAK'],
    ['staff ko het ngan sa lai yu Sisattanak, lo 4 sua mong', 'LA-VT-SISATTANAK'],
    ['khoy ma het ngan bat pa jam tua yu Xaythany, 2 athit yang bo dai', 'LA-VT-XAYTHANY'],
    ['yak hai Pakse long theun kheuang khiw, dai bor?', 'LA-CH'],
    ['ໄຊທານີ ຈະເປີດ business counter ໃໝ່ບໍ?', 'LA-VT-XAYTHANY'],
    ['ວຽງຈັນ ຈະເປີດ one stop shop ສໍາລັບນັກລົງທຶນບໍ?', 'LA-VT'],
    // "khai" is also "open" (ໄຂ): a center or its staff opening at a market is still there.
    ['Soun khai yu talad Phonsavan bor? yak het bat', 'LA-XI-PEK'],
    ['jao nathi khai fom yu talad Savan 50 pan', 'LA-SV'],
    ['mobile unit khai yu talad Thakhek mue ni, het bpt dai bor', 'LA-KH'],
    ['ໄປເຮັດບັດຢູ່ ມ.ໄຊທານີ ໄວດີ', 'LA-VT-XAYTHANY'],
  ]);
});

test('a family book kept elsewhere (home here, ແຕ່ສຳມະໂນຄົວຢູ່ there), a student in a town and a special economic zone are no center', () => {
  for (const text of [
    'ຂ້ອຍຢູ່ຫຼວງພະບາງ ແຕ່ສຳມະໂນຄົວຢູ່ຜົ້ງສາລີ ເຮັດບັດປະຈຳຕົວຢູ່ໃສໄດ້?',
    'ແມ່ເສຍຢູ່ບ້ານເກີດ ແຕ່ປຶ້ມສຳມະໂນຄົວຍັງຢູ່ນະຄອນຫຼວງ ແຈ້ງຕາຍຢູ່ໃສ',
    'ແມ່ຂ້ອຍເສຍຢູ່ບ້ານເກີດ ແຂວງບໍ່ແກ້ວ ແຕ່ສຳມະໂນຄົວຢູ່ນະຄອນຫຼວງ ແຈ້ງຕາຍຢູ່ໃສ',
    "How much is the fee for a guide card? I'm a student in Luang Prabang.",
    'ໂຮງງານຂ້ອຍຢູ່ເຂດເສດຖະກິດພິເສດສະຫວັນ ຕ້ອງຍື່ນໃບອະນຸຍາດລົງທຶນຢູ່ໃສ?',
  ])
    expect(c.classify(text).center.code).toBeNull();
  expectCenters([
    // Without ແຕ່, the family book done at a place names it; a center named after the zone wins.
    ['ເຮັດສຳມະໂນຄົວຢູ່ໄຊຍະບູລີ ພະນັກງານໃຫ້ກັບໄປເອົາໃບຢັ້ງຢືນ', 'LA-XA'],
    // ແຕ່ after praise, with no home, birth or death before it: the family-book desk there.
    ['ທຸກຢ່າງດີ ແຕ່ສຳມະໂນຄົວຢູ່ສະຫວັນ ເຈົ້າໜ້າທີ່ຂໍຄ່ານ້ຳຊາ 50 ພັນ', 'LA-SV'],
    ['ບັດປະຈຳຕົວໄວດີ ແຕ່ສຳມະໂນຄົວຢູ່ໄຊເສດຖາ ຊ້າຫຼາຍ ລໍຖ້າ 1 ເດືອນ', 'LA-VT-XAYSETHA'],
    ['ຂໍໃບຢັ້ງຢືນທີ່ຢູ່ໄວ ແຕ່ສຳມະໂນຄົວຢູ່ສີໂຄດຕະບອງ ລໍຖ້າ 2 ອາທິດ', 'LA-VT-SIKHOTTABONG'],
    ['ແຕ່ສຳມະໂນຄົວຢູ່ຜົ້ງສາລີ ເລີຍຕ້ອງກັບໄປເຮັດຢູ່ທີ່ນັ້ນ ລໍຖ້າ 3 ມື້', 'LA-PH'],
    ["i'm a student in Luang Prabang ODSC was quick for my ID", 'LA-LP'],
    ['Is the free notarising for students at Xaysettha still on?', 'LA-VT-XAYSETHA'],
    ['ໂຮງງານຢູ່ເຂດເສດຖະກິດພິເສດ ໄປຍື່ນຢູ່ສູນສະຫວັນນະເຂດ ໄວດີ', 'LA-SV'],
  ]);
});

test('named as the center, or not after "from": the place where the citizen is served wins', () => {
  // A move from one place to another: the one after ຈາກ/from is not where they are served.
  expect(c.classify('ຍ້າຍສຳມະໂນຄົວຈາກສາລະວັນ ມາຢູ່ປາກເຊ ພະນັກງານບອກໃຫ້ກັບໄປ').center.code).toBe('LA-CH');
  expect(c.classify('transfer my family book from Saravan to Pakse, how long?').center.code).toBe(
    'LA-CH',
  );
  // A place after ສູນ (or the center's full name) beats another place named before it.
  expect(c.classify('ໄປສາລະວັນມາ ແລ້ວໄປສູນປາກເຊ ໄວດີ').center.code).toBe('LA-CH');
  expect(c.classify('ໄປສາລະວັນມາ ແລ້ວໄປສູນບໍລິການຜ່ານປະຕູດຽວ ປາກເຊ').center.code).toBe('LA-CH');
  expect(c.classify('went to Saravan first, then the ODSC in Pakse').center.code).toBe('LA-CH');
  // Every place named after "from": they are still the places named.
  expect(c.classify('ໄດ້ຮັບໃບຕາດິນຈາກສູນສະຫວັນແລ້ວ ຂອບໃຈ').center.code).toBe('LA-SV');
  expect(c.classify('ໄດ້ຮັບໃບຕາດິນຈາກສະຫວັນນະເຂດແລ້ວ ຂອບໃຈ').center.code).toBe('LA-SV');
  // ໍ written before the tone mark (ນໍ້າ) is the same word as ນ້ຳ.
  expect(c.classify('ສູນຫຼວງນໍ້າທາ ພະນັກງານສຸພາບ').center.code).toBe('LA-LM');
});

test('ແປກ is Pek as a name, not as the word "strange"; sikhot is Sikhottabong', () => {
  for (const text of ['ແປກໃຈຫຼາຍ ທີ່ບໍລິການໄວ', 'ຄິວເດີນໄວຈົນແປກໃຈ 👍', 'ເອົາໃບຢັ້ງຢືນໂສດ ແປກແທ້'])
    expect(c.classify(text).center.code).toBeNull();
  expect(c.classify('ສູນ ແປກ ບໍລິການໄວ').center.code).toBe('LA-XI-PEK');
  expect(c.classify('ສູນແປກດີຫລາຍ').center.code).toBe('LA-XI-PEK');
  expect(c.classify('ບໍລິການຢູ່ແປກ ໄວ').center.code).toBe('LA-XI-PEK');
  expect(c.classify('hong nam soon sikhot 🤢').center.code).toBe('LA-VT-SIKHOTTABONG');
});

test('nothing named, nothing guessed', () => {
  for (const text of ['good service', 'ດີ', 'the staff was strange', 'ok', '12345', '']) {
    expect(c.classify(text).center.code).toBeNull();
  }
});

test('learned phrases win over keywords and are picked sensibly from the text', () => {
  expect(
    phraseToLearn('went to xtny office, staff rude', 'center', 'LA-VT-XAYTHANY', catalog),
  ).toBe('xtny');
  expect(phraseToLearn('odsc savanaketh slow', 'center', 'LA-SV', catalog)).toBe('savanaketh');
  const learned = new TextClassifier(catalog, [
    { field: 'center', phrase: 'xtny', code: 'LA-VT-XAYTHANY' },
  ]);
  expect(c.classify('xtny staff rude').center.code).toBeNull();
  expect(learned.classify('xtny staff rude').center).toMatchObject({
    code: 'LA-VT-XAYTHANY',
    method: 'learned',
  });
});

test('npm run classify: JSON lines in and out, bad lines answered, not fatal', () => {
  const input = [
    '{"id":"a","text":"ລໍຖ້າດົນຫຼາຍ ຢູ່ ໄຊເສດຖາ ເລື່ອງໃບຕາດິນ"}',
    'not json',
    '{"id":"c","text":"thank you pakse"}',
  ].join('\n');
  const r = spawnSync(
    process.execPath,
    [path.resolve(__dirname, '../../dist/scripts/classify.js')],
    {
      input,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    },
  );
  expect(r.status).toBe(0);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatchObject({
    id: 'a',
    center: 'LA-VT-XAYSETHA',
    service: 'land_registration',
    kind: 'complaint',
    method: { center: 'keyword' },
  });
  expect(lines[0].topics).toContain('waiting_time');
  expect(lines[0].confidence.center).toBeGreaterThan(0.6);
  expect(lines[1].error).toMatch(/JSON/);
  expect(lines[2]).toMatchObject({ id: 'c', center: 'LA-CH', kind: 'praise' });
});

test('short Lao place terms count only as words of their own, and do not hide the names after them', () => {
  const center = (text: string) => c.classify(text).center.code;
  // ນວ (ນະຄອນຫຼວງ) alone, anywhere, even after an emoji.
  expect(center('ນວ ບໍລິການແຍ່ລົງ ທຸກປີ')).toBe('LA-VT');
  expect(center('ຢູ່ນວບໍລິການຊ້າ')).toBe('LA-VT');
  expect(center('😀 ນວ ຊ້າ')).toBe('LA-VT');
  // Not inside a word (ນວດ massage, ຈຳນວນ number) nor across two (ການ ວາງແຜນ).
  expect(center('ໄປນວດຕີນ ແລ້ວໄປເຮັດປື້ມ')).toBeNull();
  expect(center('ຈຳນວນຄົນຫຼາຍ')).toBeNull();
  expect(center('ຫ້ອງການ ວາງແຜນ ຊ້າຫຼາຍ')).toBeNull();
  // ການ|ວຽງຈັນ: the ນວ across the boundary does not swallow the start of ວຽງຈັນ.
  expect(center('ຫ້ອງການວຽງຈັນຊ້າຫຼາຍ')).toBe('LA-VT');
  expect(center('ໄປຍື່ນວຽງຈັນ')).toBe('LA-VT');
  // The district nicknames.
  expect(center('ສີສັດ ບໍລິການຄັກ')).toBe('LA-VT-SISATTANAK');
  expect(center('ສີໂຄດ ລໍຖ້າດົນ')).toBe('LA-VT-SIKHOTTABONG');
  expect(center('ຢູ່ປາກເຊ ບາຈຽງ ພະນັກງານດີ')).toBe('LA-CH-BACHIANGCHALEUNSOUK');
});
