/**
 * Every word the dashboard shows, Lao first and English second. Lao is the default; the choice is
 * kept in localStorage. The whole tree re-renders from the shell when the language changes, so
 * components read the current language through t() and need no context.
 */
export type Lang = 'lo' | 'en';
type Pair = readonly [lo: string, en: string];

const STORAGE_KEY = 'odsc.dashboard.lang';

const S = {
  appName: ['ບ່ອນເຮັດວຽກຂອງຄະນະສະເພາະກິດ', 'Taskforce workspace'],
  odsc: ['ສູນບໍລິການຜ່ານປະຕູດຽວ', 'One-Door Service Centers'],
  skipToContent: ['ໄປຫາເນື້ອຫາ', 'Skip to content'],
  language: ['ພາສາ', 'Language'],
  mainNav: ['ເມນູຫຼັກ', 'Main menu'],
  navOverview: ['ພາບລວມ', 'Overview'],
  navQueue: ['ຄຳຄິດເຫັນ', 'Queue'],
  navUsers: ['ຜູ້ໃຊ້', 'Users'],
  navAudit: ['ບັນທຶກການກວດສອບ', 'Audit log'],
  navAccount: ['ບັນຊີຂອງຂ້ອຍ', 'My account'],
  logout: ['ອອກຈາກລະບົບ', 'Log out'],
  loading: ['ກຳລັງໂຫຼດ…', 'Loading…'],
  notFoundPage: ['ບໍ່ພົບໜ້ານີ້.', 'This page does not exist.'],
  backToQueue: ['ກັບໄປລາຍການຄຳຄິດເຫັນ', 'Back to the queue'],
  close: ['ປິດ', 'Close'],
  // notices
  notices: ['ແຈ້ງເຕືອນ', 'Notices'],
  noticesUnread: ['ແຈ້ງເຕືອນ, ຍັງບໍ່ໄດ້ອ່ານ {n}', 'Notices, {n} unread'],
  noNotices: ['ບໍ່ມີແຈ້ງເຕືອນ.', 'No notices.'],
  noticeNew: ['ໃໝ່', 'New'],
  noticeAt: ['ແຈ້ງເມື່ອ', 'Notified'],
  noticeOverdue: ['ກາຍກຳນົດແຕ່ {date}, ຂັ້ນ {n} ({who})', 'Overdue since {date}, tier {n} ({who})'],
  noticeReport: ['ລາຍງານປະຈຳເດືອນ {month} ພ້ອມແລ້ວ', 'Monthly report {month} is ready'],
  noticeReportLo: ['PDF ພາສາລາວ', 'PDF in Lao'],
  noticeReportEn: ['PDF ພາສາອັງກິດ', 'PDF in English'],
  // login
  loginTitle: ['ເຂົ້າສູ່ລະບົບ', 'Log in'],
  email: ['ອີເມວ', 'Email'],
  password: ['ລະຫັດຜ່ານ', 'Password'],
  loginButton: ['ເຂົ້າສູ່ລະບົບ', 'Log in'],
  loggingIn: ['ກຳລັງເຂົ້າສູ່ລະບົບ…', 'Logging in…'],
  // queue
  queueTitle: ['ລາຍການຄຳຄິດເຫັນ', 'Feedback queue'],
  statusTabs: ['ສະຖານະ', 'Status'],
  tabOpen: ['ຍັງເປີດຢູ່', 'Open'],
  filters: ['ຕົວກອງ', 'Filters'],
  activeFilters: ['{n} ຕົວກອງທີ່ໃຊ້ຢູ່', '{n} active'],
  center: ['ສູນບໍລິການ', 'Center'],
  province: ['ແຂວງ', 'Province'],
  service: ['ບໍລິການ', 'Service'],
  channel: ['ຊ່ອງທາງ', 'Channel'],
  kind: ['ປະເພດ', 'Kind'],
  topic: ['ຫົວຂໍ້', 'Topic'],
  topics: ['ຫົວຂໍ້', 'Topics'],
  rating: ['ຄະແນນ', 'Rating'],
  needsTriage: ['ຕ້ອງຄັດແຍກ', 'Needs triage'],
  overdue: ['ກາຍກຳນົດ', 'Overdue'],
  overdueBy: ['ກາຍກຳນົດ {t}', 'Overdue by {t}'],
  assignedToMe: ['ມອບໃຫ້ຂ້ອຍ', 'Assigned to me'],
  dateFrom: ['ແຕ່ວັນທີ', 'From'],
  dateTo: ['ຫາວັນທີ', 'To'],
  search: ['ຄົ້ນຫາ', 'Search'],
  searchHint: ['ຂໍ້ຄວາມ ຫຼື ລະຫັດຕິດຕາມ', 'Text or tracking code'],
  any: ['ທັງໝົດ', 'Any'],
  clearFilters: ['ລ້າງຕົວກອງ', 'Clear filters'],
  sort: ['ຮຽງຕາມ', 'Sort'],
  sortNewest: ['ໃໝ່ສຸດກ່ອນ', 'Newest first'],
  sortOldest: ['ເກົ່າສຸດກ່ອນ', 'Oldest first'],
  sortDue: ['ໃກ້ກຳນົດກ່ອນ', 'Due soonest'],
  trackingCode: ['ລະຫັດຕິດຕາມ', 'Tracking code'],
  received: ['ໄດ້ຮັບ', 'Received'],
  due: ['ກຳນົດ', 'Due'],
  timeLeft: ['ເວລາທີ່ເຫຼືອ', 'Time left'],
  assignee: ['ຜູ້ຮັບຜິດຊອບ', 'Assignee'],
  unassigned: ['ຍັງບໍ່ມີຜູ້ຮັບຜິດຊອບ', 'Unassigned'],
  excerpt: ['ຂໍ້ຄວາມ', 'Text'],
  status: ['ສະຖານະ', 'Status'],
  noText: ['(ບໍ່ມີຂໍ້ຄວາມ)', '(no text)'],
  unknown: ['ຍັງບໍ່ຮູ້', 'Not known yet'],
  loadMore: ['ໂຫຼດເພີ່ມ', 'Load more'],
  emptyQueue: ['ບໍ່ມີຄຳຄິດເຫັນທີ່ກົງກັບຕົວກອງນີ້.', 'No feedback matches these filters.'],
  shown: ['ສະແດງ {n} ລາຍການ', '{n} shown'],
  selectAll: ['ເລືອກທັງໝົດໃນໜ້ານີ້', 'Select all on this page'],
  selectItem: ['ເລືອກ {code}', 'Select {code}'],
  selected: ['ເລືອກແລ້ວ {n} ລາຍການ', '{n} selected'],
  bulkActions: ['ຈັດການຫຼາຍລາຍການ', 'Bulk actions'],
  bulkAssign: ['ມອບໝາຍໃຫ້', 'Assign to'],
  bulkStatus: ['ປ່ຽນສະຖານະເປັນ', 'Set status to'],
  apply: ['ນຳໃຊ້', 'Apply'],
  markSpam: ['ໝາຍເປັນສະແປມ', 'Mark as spam'],
  releaseSelected: ['ປ່ອຍທີ່ເລືອກ: ນັບເຂົ້າໃນຕົວເລກ', 'Release the selected: count them'],
  heldOnly: ['ສະເພາະທີ່ຍັງບໍ່ນັບເຂົ້າໃນຕົວເລກ', 'Held only (not counted)'],
  heldWaiting: [
    '{n} ລາຍການ ຍັງບໍ່ນັບເຂົ້າໃນຕົວເລກ: ເບິ່ງ ແລະ ປ່ອຍ',
    '{n} held, not counted in any figure: review and release',
  ],
  clearSelection: ['ຍົກເລີກການເລືອກ', 'Clear selection'],
  choose: ['— ເລືອກ —', '— choose —'],
  bulkDone: ['ສຳເລັດ {ok} ລາຍການ, ບໍ່ສຳເລັດ {failed} ລາຍການ.', '{ok} updated, {failed} failed.'],
  // item
  feedback: ['ຄຳຄິດເຫັນ', 'Feedback'],
  itemTitle: ['ຄຳຄິດເຫັນ {code}', 'Feedback {code}'],
  citizenStatus: ['ສະຖານະທີ່ປະຊາຊົນເຫັນ', 'Status the citizen sees'],
  rawText: ['ຂໍ້ຄວາມຕາມທີ່ປະຊາຊົນຂຽນ', 'Text as the citizen wrote it'],
  normalizedText: ['ຂໍ້ຄວາມທີ່ປັບມາດຕະຖານແລ້ວ', 'Normalized text'],
  amounts: ['ຈຳນວນເງິນທີ່ກ່າວເຖິງ', 'Amounts mentioned'],
  details: ['ລາຍລະອຽດ', 'Details'],
  classification: ['ການຈັດປະເພດ', 'Classification'],
  field: ['ຂໍ້ມູນ', 'Field'],
  value: ['ຄ່າ', 'Value'],
  confidence: ['ຄວາມໝັ້ນໃຈ', 'Confidence'],
  method: ['ວິທີ', 'Method'],
  sentiment: ['ຄວາມຮູ້ສຶກ', 'Sentiment'],
  thread: ['ການສົນທະນາ', 'Conversation'],
  history: ['ປະຫວັດ', 'History'],
  when: ['ເວລາ', 'When'],
  who: ['ໂດຍ', 'By'],
  action: ['ການກະທຳ', 'Action'],
  change: ['ການປ່ຽນແປງ', 'Change'],
  system: ['ລະບົບ', 'System'],
  contact: ['ຂໍ້ມູນຕິດຕໍ່', 'Contact'],
  noContact: ['ບໍ່ມີ (ບໍ່ລະບຸຕົວຕົນ ຫຼື ບໍ່ໄດ້ຍິນຍອມ)', 'None (anonymous or no consent)'],
  telegramChat: ['ແຊັດ Telegram', 'Telegram chat'],
  masked: ['ປິດບັງບາງສ່ວນ', 'partly hidden'],
  resolutionNote: ['ບັນທຶກການແກ້ໄຂ', 'Resolution note'],
  duplicateOf: ['ຊ້ຳກັບລະຫັດຕິດຕາມ', 'Duplicate of tracking code'],
  satisfaction: ['ຄວາມພໍໃຈຕໍ່ການແກ້ໄຂ', 'Satisfaction with the resolution'],
  actions: ['ການດຳເນີນການ', 'Actions'],
  changeStatus: ['ປ່ຽນສະຖານະ', 'Change status'],
  heldTitle: ['ຍັງບໍ່ນັບເຂົ້າໃນຕົວເລກ', 'Held: not counted in any figure'],
  heldExplain: [
    'ຄຳຕິຊົມນີ້ເກີນຂີດຈຳກັດ ຫຼື ຖືກໝາຍໄວ້ ({reason}, {at}). ມັນຖືກເກັບໄວ້ ແຕ່ບໍ່ນັບໃນຕົວເລກທາງການ ຈົນກວ່າຈະປ່ອຍ.',
    'This feedback went over a limit or was flagged ({reason}, {at}). It is kept, but no official figure counts it until it is released.',
  ],
  releaseHold: ['ປ່ອຍ: ນັບເຂົ້າໃນຕົວເລກ', 'Release: count it'],
  doneRelease: ['ປ່ອຍແລ້ວ: ນັບເຂົ້າໃນຕົວເລກແລ້ວ.', 'Released: it now counts.'],
  moveTo: ['ປ່ຽນເປັນ: {s}', 'Move to: {s}'],
  reopen: ['ເປີດຄືນ', 'Reopen'],
  noMoves: ['ບໍ່ມີການປ່ຽນສະຖານະຈາກສະຖານະນີ້.', 'No status change is possible from here.'],
  resolutionRequired: ['ກະລຸນາຂຽນບັນທຶກການແກ້ໄຂກ່ອນ.', 'Write a resolution note first.'],
  duplicateRequired: ['ກະລຸນາໃສ່ລະຫັດຕິດຕາມທີ່ຊ້ຳກັນ.', 'Enter the tracking code it duplicates.'],
  assign: ['ມອບໝາຍ', 'Assign'],
  assignTo: ['ມອບໝາຍໃຫ້', 'Assign to'],
  unassign: ['ຍົກເລີກການມອບໝາຍ', 'Unassign'],
  correct: ['ແກ້ໄຂການຈັດປະເພດ', 'Correct the classification'],
  correctHint: [
    'ການແກ້ໄຂສູນ ແລະ ບໍລິການ ຈະຊ່ວຍໃຫ້ລະບົບຮຽນຮູ້.',
    'Corrections of center and service teach the classifier.',
  ],
  saveCorrections: ['ບັນທຶກການແກ້ໄຂ', 'Save corrections'],
  nothingChanged: ['ບໍ່ມີຫຍັງປ່ຽນແປງ.', 'Nothing changed.'],
  addNote: ['ບັນທຶກພາຍໃນ', 'Internal note'],
  addNoteHint: ['ປະຊາຊົນບໍ່ເຫັນບັນທຶກນີ້.', 'The citizen does not see notes.'],
  noteText: ['ຂໍ້ຄວາມບັນທຶກ', 'Note text'],
  saveNote: ['ເພີ່ມບັນທຶກ', 'Add note'],
  reply: ['ຕອບກັບປະຊາຊົນ', 'Reply to the citizen'],
  replyText: ['ຂໍ້ຄວາມຕອບກັບ', 'Reply text'],
  template: ['ແບບຟອມຄຳຕອບ', 'Reply template'],
  insertTemplate: ['ໃສ່ແບບຟອມ', 'Insert template'],
  sendReply: ['ສົ່ງຄຳຕອບ', 'Send reply'],
  notReplyable: [
    'ບໍ່ສາມາດຕອບກັບໄດ້: ຄຳຄິດເຫັນນີ້ບໍ່ລະບຸຕົວຕົນ ຫຼື ປະຊາຊົນບໍ່ໄດ້ຍິນຍອມໃຫ້ຕິດຕໍ່ກັບ.',
    'A reply cannot reach this citizen: the feedback is anonymous or they did not agree to be contacted.',
  ],
  textRequired: ['ກະລຸນາຂຽນຂໍ້ຄວາມ.', 'Write some text first.'],
  done: ['ບັນທຶກແລ້ວ.', 'Saved.'],
  doneStatus: ['ປ່ຽນສະຖານະແລ້ວ.', 'Status changed.'],
  doneAssign: ['ປ່ຽນຜູ້ຮັບຜິດຊອບແລ້ວ.', 'Assignee changed.'],
  doneCorrect: ['ບັນທຶກການແກ້ໄຂແລ້ວ.', 'Corrections saved.'],
  doneNote: ['ເພີ່ມບັນທຶກແລ້ວ.', 'Note added.'],
  doneReply: ['ສົ່ງຄຳຕອບເຂົ້າຄິວແລ້ວ.', 'Reply queued for sending.'],
  readOnly: ['ບົດບາດຂອງທ່ານເບິ່ງໄດ້ຢ່າງດຽວ.', 'Your role can only view.'],
  // users
  usersTitle: ['ຜູ້ໃຊ້', 'Users'],
  role: ['ບົດບາດ', 'Role'],
  centers: ['ສູນບໍລິການ', 'Centers'],
  allCenters: ['ທຸກສູນ', 'All centers'],
  createdAt: ['ສ້າງເມື່ອ', 'Created'],
  lastLogin: ['ເຂົ້າລະບົບຫຼ້າສຸດ', 'Last login'],
  never: ['ບໍ່ເຄີຍ', 'Never'],
  active: ['ໃຊ້ງານໄດ້', 'Active'],
  disabled: ['ປິດໃຊ້ງານ', 'Disabled'],
  disable: ['ປິດການໃຊ້ງານ', 'Disable'],
  enable: ['ເປີດການໃຊ້ງານ', 'Enable'],
  edit: ['ແກ້ໄຂ', 'Edit'],
  save: ['ບັນທຶກ', 'Save'],
  cancel: ['ຍົກເລີກ', 'Cancel'],
  resetPassword: ['ຕັ້ງລະຫັດຜ່ານໃໝ່', 'Reset password'],
  createUser: ['ເພີ່ມຜູ້ໃຊ້', 'Add a user'],
  initialPassword: ['ລະຫັດຜ່ານເລີ່ມຕົ້ນ', 'Initial password'],
  newPassword: ['ລະຫັດຜ່ານໃໝ່', 'New password'],
  passwordHint: ['ຢ່າງໜ້ອຍ 10 ຕົວອັກສອນ.', 'At least 10 characters.'],
  centersHint: [
    'ສຳລັບຜູ້ຈັດການສູນ: ເລືອກສູນທີ່ເຂົາເບິ່ງແຍງ.',
    'For center managers: the centers they look after.',
  ],
  userCreated: ['ເພີ່ມຜູ້ໃຊ້ແລ້ວ.', 'User added.'],
  userSaved: ['ບັນທຶກຜູ້ໃຊ້ແລ້ວ.', 'User saved.'],
  passwordReset: ['ຕັ້ງລະຫັດຜ່ານໃໝ່ແລ້ວ.', 'Password reset.'],
  you: ['(ທ່ານ)', '(you)'],
  // audit
  auditTitle: ['ບັນທຶກການກວດສອບ', 'Audit log'],
  actor: ['ຜູ້ກະທຳ', 'Actor'],
  target: ['ເປົ້າໝາຍ', 'Target'],
  ip: ['ທີ່ຢູ່ IP', 'IP address'],
  emptyAudit: ['ບໍ່ມີລາຍການທີ່ກົງກັບຕົວກອງນີ້.', 'No entries match these filters.'],
  // account
  accountTitle: ['ບັນຊີຂອງຂ້ອຍ', 'My account'],
  changePassword: ['ປ່ຽນລະຫັດຜ່ານ', 'Change password'],
  currentPassword: ['ລະຫັດຜ່ານປັດຈຸບັນ', 'Current password'],
  confirmPassword: ['ຢືນຢັນລະຫັດຜ່ານໃໝ່', 'Confirm the new password'],
  passwordsDiffer: ['ລະຫັດຜ່ານໃໝ່ທັງສອງບໍ່ກົງກັນ.', 'The two new passwords differ.'],
  passwordTooShort: [
    'ລະຫັດຜ່ານໃໝ່ຕ້ອງມີຢ່າງໜ້ອຍ 10 ຕົວອັກສອນ.',
    'The new password needs at least 10 characters.',
  ],
  passwordChanged: [
    'ປ່ຽນລະຫັດຜ່ານແລ້ວ. ການເຂົ້າໃຊ້ໃນອຸປະກອນອື່ນຖືກປິດແລ້ວ.',
    'Password changed. Your other sessions were ended.',
  ],
  // overview (overview*.tsx)
  ovTitle: ['ພາບລວມ', 'Overview'],
  ovTable: ['ຕາຕະລາງ', 'Table'],
  ovNoData: ['ບໍ່ມີຂໍ້ມູນໃນໄລຍະນີ້.', 'No data for this period.'],
  ovNoDataShort: ['ບໍ່ມີຂໍ້ມູນ', 'No data'],
  ovHeadline: ['ຕົວເລກຫຼັກ', 'Headline figures'],
  ovPeriodLine: [
    '{from} – {to}, ທຽບກັບ {pfrom} – {pto}',
    '{from} – {to}, compared with {pfrom} – {pto}',
  ],
  ovChangeHint: [
    '▲/▼: ການປ່ຽນແປງທຽບກັບໄລຍະກ່ອນໜ້າທີ່ມີຈຳນວນມື້ເທົ່າກັນ; ຈຸດ = ຈຸດສ່ວນຮ້ອຍ. — = ບໍ່ມີຂໍ້ມູນ.',
    '▲/▼: change against the previous period of the same length; pp = percentage points. — = no data.',
  ],
  ovBefore: ['ໄລຍະກ່ອນ: {v}', 'previous period: {v}'],
  ovPoints: ['ຈຸດ', 'pp'],
  ovReceived: ['ຄຳຄິດເຫັນທີ່ໄດ້ຮັບ', 'Feedback received'],
  ovRatingAvg: ['ຄະແນນສະເລ່ຍ', 'Average rating'],
  ovSatisfied: ['ໃຫ້ຄະແນນ 4–5', 'Rated 4–5'],
  ovSatisfiedPct: ['ໃຫ້ຄະແນນ 4–5 (%)', 'Rated 4–5 (%)'],
  ovSatisfiedShort: ['ໃຫ້ຄະແນນ 4–5', 'rated 4–5'],
  ovOfRated: ['ຈາກ {n} ທີ່ໃຫ້ຄະແນນ', 'of {n} rated'],
  ovComplaints: ['ຄຳຮ້ອງທຸກ', 'Complaints'],
  ovOpen: ['ຄຳຮ້ອງທຸກທີ່ຍັງເປີດ', 'Complaints open'],
  ovOfComplaints: ['ຈາກ {n} ຄຳຮ້ອງທຸກ', 'of {n} complaints'],
  ovOverdue: ['ຄຳຮ້ອງທຸກທີ່ກາຍກຳນົດ', 'Complaints overdue'],
  ovResolved: ['ຄຳຮ້ອງທຸກທີ່ແກ້ໄຂແລ້ວ', 'Complaints resolved'],
  ovFirstReply: ['ເວລາເຖິງການຕອບຄັ້ງທຳອິດ (ຄ່າກາງ)', 'Median time to first reply'],
  ovResolution: ['ເວລາເຖິງການແກ້ໄຂ (ຄ່າກາງ)', 'Median time to resolution'],
  ovWorkingDays: ['ວັນເຮັດວຽກ', 'working days'],
  ovOnTime: ['ແກ້ໄຂທັນກຳນົດ', 'Resolved on time'],
  ovAnswers: ['{n} ຄຳຕອບ', '{n} answers'],
  ovPeriod: ['ໄລຍະເວລາ', 'Period'],
  ovPeriodCol: ['ໄລຍະ', 'Period'],
  ovGranularity: ['ຈັດກຸ່ມຕາມ', 'Group by'],
  ovAuto: ['ອັດຕະໂນມັດ', 'Automatic'],
  ovAutoIs: ['ອັດຕະໂນມັດ ({g})', 'Automatic ({g})'],
  ovMyCenters: ['ທຸກສູນຂອງຂ້ອຍ', 'All my centers'],
  ovWeekOf: ['ອາທິດ {d}', 'week of {d}'],
  ovVolume: ['ຄຳຄິດເຫັນ ແລະ ຄວາມພໍໃຈຕາມເວລາ', 'Feedback and satisfaction over time'],
  ovVolumeSummary: [
    'ຄຳຄິດເຫັນທີ່ໄດ້ຮັບ{g}: ລວມ {total}, ສູງສຸດ {max} ({at}). ໃຫ້ຄະແນນ 4–5 ໃນໄລຍະນີ້: {share}.',
    'Feedback received {g}: {total} in all, at most {max} ({at}). Rated 4–5 over the period: {share}.',
  ],
  ovChannels: ['ຊ່ອງທາງທີ່ປະຊາຊົນໃຊ້', 'Channel mix'],
  ovServices: ['ບໍລິການ ຕາມຈຳນວນຄຳຮ້ອງທຸກ', 'Services by complaints'],
  ovTopics: ['ຫົວຂໍ້ ຕາມຈຳນວນຄຳຮ້ອງທຸກ', 'Topics by complaints'],
  ovRankSummary: ['{what}: {list}.', '{what}: {list}.'],
  ovName: ['ຊື່', 'Name'],
  ovShareOfTotal: ['ສ່ວນແບ່ງ', 'Share'],
  ovNotGiven: ['ບໍ່ໄດ້ລະບຸ', 'Not given'],
  ovKiosk: ['ຄຳຕອບຢູ່ຕູ້ສຳຫຼວດ ຕາມສູນ', 'Kiosk answers per center'],
  ovKioskSummary: [
    'ຄຳຕອບຢູ່ຕູ້ສຳຫຼວດທີ່ໃຫ້ 4–5 (ຈຳນວນຄຳຕອບ): {list}.',
    'Kiosk answers rated 4–5 (answers): {list}.',
  ],
  ovRated: ['ໃຫ້ຄະແນນ', 'Rated'],
  ovProvinces: ['ຄວາມພໍໃຈ ຕາມແຂວງ', 'Satisfaction by province'],
  ovProvincesLabel: ['18 ແຂວງ, ຈາກເໜືອຫາໃຕ້', 'The 18 provinces, north to south'],
  ovScale: ['ສ່ວນທີ່ໃຫ້ຄະແນນ 4–5', 'Share rated 4–5'],
  ovReceivedN: ['ໄດ້ຮັບ {n}', '{n} received'],
  ovLeague: ['ປຽບທຽບສູນບໍລິການ', 'Center league table'],
  ovLeagueHint: [
    'ກົດຫົວຖັນເພື່ອຮຽງລຳດັບ, ກົດອີກເທື່ອໜຶ່ງເພື່ອປີ້ນລຳດັບ.',
    'Activate a column heading to sort by it; again to reverse.',
  ],
  ovChangeReceived: ['ປ່ຽນແປງ (ໄດ້ຮັບ)', 'Change (received)'],
  ovTrend: ['ແນວໂນ້ມ', 'Trend'],
  ovTrendLabel: ['ໄດ້ຮັບ{p}', 'Received {p}'],
  ovSparkText: ['ສູງສຸດ {max}, ຫຼ້າສຸດ {last}', 'highest {max}, latest {last}'],
  ovShowQuiet: ['ສະແດງອີກ {n} ສູນທີ່ບໍ່ມີຄຳຄິດເຫັນ', 'Show the {n} centers with no feedback'],
  // time
  days: ['{n} ມື້', '{n} d'],
  hours: ['{n} ຊົ່ວໂມງ', '{n} h'],
  minutes: ['{n} ນາທີ', '{n} min'],
  // errors
  errINVALID_CREDENTIALS: ['ອີເມວ ຫຼື ລະຫັດຜ່ານບໍ່ຖືກຕ້ອງ.', 'Wrong email or password.'],
  errTOO_MANY_ATTEMPTS: [
    'ພະຍາຍາມເຂົ້າລະບົບຫຼາຍເທື່ອເກີນໄປ. ກະລຸນາລອງໃໝ່ໃນອີກ {n} ນາທີ.',
    'Too many attempts. Try again in {n} minutes.',
  ],
  errUNAUTHENTICATED: ['ກະລຸນາເຂົ້າສູ່ລະບົບອີກຄັ້ງ.', 'Please log in again.'],
  errCSRF_FAILED: ['ໜ້ານີ້ໝົດອາຍຸແລ້ວ. ກະລຸນາໂຫຼດໜ້າໃໝ່.', 'This page is out of date. Please reload it.'],
  errFORBIDDEN: ['ບົດບາດຂອງທ່ານບໍ່ມີສິດເຮັດສິ່ງນີ້.', 'Your role may not do this.'],
  errNOT_FOUND: ['ບໍ່ພົບລາຍການນີ້ ຫຼື ຢູ່ນອກສູນຂອງທ່ານ.', 'Not found, or outside your centers.'],
  errINVALID_TRANSITION: [
    'ບໍ່ສາມາດປ່ຽນເປັນສະຖານະນີ້ຈາກສະຖານະປັດຈຸບັນໄດ້.',
    'That status change is not allowed from the current status.',
  ],
  errNO_WAY_TO_REPLY: [
    'ບໍ່ສາມາດຕອບກັບໄດ້: ຄຳຄິດເຫັນນີ້ບໍ່ລະບຸຕົວຕົນ ຫຼື ປະຊາຊົນບໍ່ໄດ້ຍິນຍອມ.',
    'No way to reply: the feedback is anonymous or the citizen did not consent.',
  ],
  errVALIDATION_FAILED: ['ຂໍ້ມູນບາງຢ່າງບໍ່ຖືກຕ້ອງ', 'Some fields are not valid'],
  errCurrentPassword: ['ລະຫັດຜ່ານປັດຈຸບັນບໍ່ຖືກຕ້ອງ', 'The current password is wrong'],
  errUNAVAILABLE: [
    'ລະບົບບໍ່ພ້ອມໃຊ້ງານຊົ່ວຄາວ. ກະລຸນາລອງໃໝ່ອີກຄັ້ງ.',
    'The service is temporarily unavailable. Please try again.',
  ],
  errNETWORK: [
    'ເຊື່ອມຕໍ່ເຊີບເວີບໍ່ໄດ້. ກະລຸນາກວດເບິ່ງອິນເຕີເນັດ.',
    'Cannot reach the server. Check the connection.',
  ],
  errOther: ['ເກີດຂໍ້ຜິດພາດ: {message}', 'Something went wrong: {message}'],
  // queue: CSV export
  exportCsv: ['ສົ່ງອອກ CSV', 'Export CSV'],
  exportPeriodChosen: ['ໄລຍະ {from} – {to}, ຕາມວັນທີທີ່ເລືອກ', 'Period {from} – {to}, the dates chosen'],
  exportPeriodPart: [
    'ໄລຍະ {from} – {to} (ວັນທີທີ່ບໍ່ໄດ້ເລືອກ: ມື້ນີ້, ຫຼື 30 ມື້ກ່ອນວັນສຸດທ້າຍ)',
    'Period {from} – {to} (a date not chosen is today, or 30 days before the end)',
  ],
  exportPeriodDefault: [
    'ໄລຍະ {from} – {to}: 30 ມື້ຫຼ້າສຸດ (ເລືອກ “ແຕ່ວັນທີ” ແລະ “ຫາວັນທີ” ເພື່ອປ່ຽນ)',
    'Period {from} – {to}: the last 30 days (choose From and To to change it)',
  ],
} satisfies Record<string, Pair>;

export type Key = keyof typeof S;

/** Names of codes, per group; an unknown code shows as itself. */
const LABELS = {
  status: {
    new: ['ໃໝ່', 'New'],
    triaged: ['ຄັດແຍກແລ້ວ', 'Triaged'],
    in_progress: ['ກຳລັງດຳເນີນການ', 'In progress'],
    resolved: ['ແກ້ໄຂແລ້ວ', 'Resolved'],
    closed: ['ປິດແລ້ວ', 'Closed'],
    spam: ['ສະແປມ', 'Spam'],
    duplicate: ['ຊ້ຳກັນ', 'Duplicate'],
  },
  citizenStatus: {
    received: ['ໄດ້ຮັບແລ້ວ', 'Received'],
    in_review: ['ກຳລັງພິຈາລະນາ', 'Being reviewed'],
    resolved: ['ແກ້ໄຂແລ້ວ', 'Resolved'],
    closed: ['ປິດແລ້ວ', 'Closed'],
  },
  channel: {
    sms: ['SMS', 'SMS'],
    telegram: ['Telegram', 'Telegram'],
    web: ['ແບບຟອມເວັບ', 'Web form'],
    kiosk: ['ຕູ້ສຳຫຼວດ', 'Kiosk'],
  },
  kind: {
    complaint: ['ຄຳຮ້ອງທຸກ', 'Complaint'],
    suggestion: ['ຄຳແນະນຳ', 'Suggestion'],
    praise: ['ຄຳຊົມເຊີຍ', 'Praise'],
    question: ['ຄຳຖາມ', 'Question'],
    other: ['ອື່ນໆ', 'Other'],
  },
  role: {
    admin: ['ຜູ້ເບິ່ງແຍງລະບົບ', 'Administrator'],
    taskforce: ['ຄະນະສະເພາະກິດ', 'Taskforce'],
    center_manager: ['ຜູ້ຈັດການສູນ', 'Center manager'],
    analyst: ['ນັກວິເຄາະ', 'Analyst'],
  },
  delivery: {
    queued: ['ລໍຖ້າສົ່ງ', 'Queued'],
    sending: ['ກຳລັງສົ່ງ', 'Sending'],
    sent: ['ສົ່ງແລ້ວ', 'Sent'],
    delivered: ['ຮອດແລ້ວ', 'Delivered'],
    undelivered: ['ສົ່ງບໍ່ຮອດ', 'Undelivered'],
    failed: ['ສົ່ງບໍ່ສຳເລັດ', 'Failed'],
    suppressed: ['ບໍ່ໄດ້ສົ່ງ', 'Suppressed'],
    logged: ['ບັນທຶກໄວ້ (ບໍ່ໄດ້ສົ່ງແທ້)', 'Logged (not sent)'],
  },
  thread: {
    message: ['ຂໍ້ຄວາມຂອງປະຊາຊົນ', 'Citizen message'],
    part: ['ຂໍ້ຄວາມຕໍ່', 'Further message'],
    note: ['ບັນທຶກພາຍໃນ', 'Internal note'],
    reply: ['ຄຳຕອບ', 'Reply'],
    survey: ['ແບບສຳຫຼວດ', 'Survey'],
  },
  method: {
    explicit: ['ລະບຸໂດຍກົງ', 'given explicitly'],
    keyword: ['ຄຳສຳຄັນ', 'keyword'],
    fuzzy: ['ຄຳໃກ້ຄຽງ', 'fuzzy match'],
    learned: ['ຮຽນຮູ້ຈາກການແກ້ໄຂ', 'learned'],
    model: ['ຕົວແບບທີ່ຮຽນຮູ້ຈາກຂໍ້ມູນ', 'learned model'],
    rating: ['ຈາກຄະແນນ', 'from the rating'],
    none: ['ບໍ່ພົບ', 'none'],
    staff: ['ພະນັກງານແກ້ໄຂ', 'staff correction'],
    manual: ['ພະນັກງານແກ້ໄຂ', 'staff correction'],
    correction: ['ພະນັກງານແກ້ໄຂ', 'staff correction'],
  },
  action: {
    login: ['ເຂົ້າລະບົບ', 'Login'],
    login_failed: ['ເຂົ້າລະບົບບໍ່ສຳເລັດ', 'Failed login'],
    logout: ['ອອກຈາກລະບົບ', 'Logout'],
    password_change: ['ປ່ຽນລະຫັດຜ່ານ', 'Password change'],
    view_contact: ['ເບິ່ງຂໍ້ມູນຕິດຕໍ່', 'Contact viewed'],
    status_change: ['ປ່ຽນສະຖານະ', 'Status change'],
    correction: ['ແກ້ໄຂການຈັດປະເພດ', 'Correction'],
    assign: ['ມອບໝາຍ', 'Assignment'],
    note: ['ບັນທຶກພາຍໃນ', 'Note'],
    reply: ['ຕອບກັບ', 'Reply'],
    export: ['ສົ່ງອອກຂໍ້ມູນ', 'Export'],
    user_create: ['ເພີ່ມຜູ້ໃຊ້', 'User created'],
    user_update: ['ແກ້ໄຂຜູ້ໃຊ້', 'User updated'],
    device_pair: ['ເຊື່ອມຕໍ່ແທັບເລັດ', 'Kiosk paired'],
    device_revoke: ['ຖອນແທັບເລັດ', 'Kiosk revoked'],
    alert_rule: ['ປ່ຽນກົດການແຈ້ງເຕືອນ', 'Alert rule changed'],
    catalog_create: ['ເພີ່ມໃນລາຍການສູນ ແລະ ບໍລິການ', 'Catalog entry added'],
    catalog_update: ['ແກ້ໄຂລາຍການສູນ ແລະ ບໍລິການ', 'Catalog entry changed'],
    erase: ['ລຶບຂໍ້ມູນສ່ວນບຸກຄົນ', 'Personal data erased'],
    release_hold: ['ປ່ອຍໃຫ້ນັບເຂົ້າໃນຕົວເລກ', 'Released into the figures'],
    correct: ['ແກ້ໄຂການຈັດປະເພດ', 'Correction'],
    status: ['ປ່ຽນສະຖານະ', 'Status change'],
    edit: ['ແກ້ໄຂ', 'Edit'],
    survey_sent: ['ສົ່ງຄຳຖາມຄວາມພໍໃຈ', 'Satisfaction question sent'],
    satisfaction: ['ປະຊາຊົນໃຫ້ຄະແນນຄວາມພໍໃຈ', 'Citizen rated the resolution'],
    escalate: ['ສົ່ງຕໍ່ຂັ້ນເທິງ (ກາຍກຳນົດ)', 'Escalated (overdue)'],
  },
  noticeTier: {
    1: ['ແຈ້ງຜູ້ຮັບຜິດຊອບແລ້ວ', 'assignee told'],
    2: ['ແຈ້ງຜູ້ຈັດການສູນແລ້ວ', 'center managers told'],
    3: ['ແຈ້ງຄະນະສະເພາະກິດແລ້ວ', 'taskforce told'],
  },
  sentiment: {
    negative: ['ບໍ່ພໍໃຈ', 'Negative'],
    neutral: ['ປານກາງ', 'Neutral'],
    positive: ['ພໍໃຈ', 'Positive'],
  },
  field: {
    center: ['ສູນບໍລິການ', 'Center'],
    service: ['ບໍລິການ', 'Service'],
    topics: ['ຫົວຂໍ້', 'Topics'],
    kind: ['ປະເພດ', 'Kind'],
    sentiment: ['ຄວາມຮູ້ສຶກ', 'Sentiment'],
    status: ['ສະຖານະ', 'Status'],
    assignee: ['ຜູ້ຮັບຜິດຊອບ', 'Assignee'],
    assigneeId: ['ຜູ້ຮັບຜິດຊອບ', 'Assignee'],
    resolutionNote: ['ບັນທຶກການແກ້ໄຂ', 'Resolution note'],
    tier: ['ຂັ້ນ', 'Tier'],
  },
  period: {
    '7d': ['7 ມື້ຫຼ້າສຸດ', 'Last 7 days'],
    '30d': ['30 ມື້ຫຼ້າສຸດ', 'Last 30 days'],
    '90d': ['90 ມື້ຫຼ້າສຸດ', 'Last 90 days'],
    month: ['ເດືອນນີ້', 'This month'],
    lastmonth: ['ເດືອນແລ້ວ', 'Last month'],
    '12m': ['12 ເດືອນຫຼ້າສຸດ', 'Last 12 months'],
    custom: ['ກຳນົດເອງ', 'Custom'],
  },
  granularity: {
    day: ['ມື້', 'Day'],
    week: ['ອາທິດ', 'Week'],
    month: ['ເດືອນ', 'Month'],
  },
  granularityPer: {
    day: ['ຕໍ່ມື້', 'per day'],
    week: ['ຕໍ່ອາທິດ', 'per week'],
    month: ['ຕໍ່ເດືອນ', 'per month'],
  },
  smiley: {
    1: ['1 ບໍ່ພໍໃຈຫຼາຍ', '1 Very unhappy'],
    2: ['2 ບໍ່ພໍໃຈ', '2 Unhappy'],
    3: ['3 ປານກາງ', '3 Neutral'],
    4: ['4 ພໍໃຈ', '4 Happy'],
    5: ['5 ພໍໃຈຫຼາຍ', '5 Very happy'],
  },
} satisfies Record<string, Record<string, Pair>>;

export type LabelGroup = keyof typeof LABELS;

function stored(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'lo';
  } catch {
    return 'lo';
  }
}

let current: Lang = stored();

export function getLang(): Lang {
  return current;
}

/** Switches the language, remembers it and marks the page (fonts and screen readers use lang). */
export function setLang(lang: Lang): void {
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = lang;
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const text = S[key][current === 'lo' ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (_m, k: string) => String(vars[k] ?? ''));
}

export function hasLabel(group: LabelGroup, code: string): boolean {
  return Object.prototype.hasOwnProperty.call(LABELS[group], code);
}

export function hasKey(key: string): key is Key {
  return Object.prototype.hasOwnProperty.call(S, key);
}

/** The name of a code in a group (a status, a channel…), or the code itself when unknown. */
export function label(group: LabelGroup, code: string | null | undefined): string {
  if (code == null) return t('unknown');
  const pair = (LABELS[group] as Record<string, Pair>)[code];
  return pair ? pair[current === 'lo' ? 0 : 1] : code;
}

/** A catalog name in the current language (the other one when it is missing). */
export function pick(name: { lo?: string; en?: string } | undefined): string {
  if (!name) return '';
  return (current === 'lo' ? name.lo || name.en : name.en || name.lo) ?? '';
}
