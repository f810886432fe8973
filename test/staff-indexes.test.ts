/**
 * Every query a staff screen makes of the database is served by an index: on MongoDB 7 explain()
 * shows an index or _id plan, never a collection scan; on FerretDB (which pushes only an `_id`
 * equality down to SQLite) the hot paths — an item, the account on each request, a reply's status —
 * are `_id` equalities that it does push down. The queue itself never queries the database
 * (docs/workspace.md).
 */
import { isFerretDb } from '../shared/db/mongo';
import { auditModel } from '../shared/models/audit.model';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { staffUserModel } from '../shared/models/staff-user.model';
import { startTestPlatform, type TestPlatform } from './helpers/platform';
import { makeUser, submit } from './helpers/staff';

let p: TestPlatform;
let ferret: boolean;

beforeAll(async () => {
  p = await startTestPlatform('staffidx', { worker: true });
  ferret = await isFerretDb(p.conn);
  await makeUser(p, 'tf@odsc.gov.la', 'taskforce');
  await submit(p, { centerCode: 'LA-LP', text: 'ລໍຖ້າດົນຫຼາຍ' });
  await Promise.all([auditModel(p.conn).init(), outboundMessageModel(p.conn).init()]);
});
afterAll(() => p.close());

type Explained = Record<string, unknown>;
const ex = (q: unknown) => (q as { explain(): Promise<Explained> }).explain();

/** Plan stage names, wherever the server nests them. */
function stages(plan: unknown): string[] {
  if (!plan || typeof plan !== 'object') return [];
  const o = plan as Record<string, unknown>;
  return [
    ...(typeof o.stage === 'string' ? [o.stage] : []),
    ...stages(o.inputStage),
    ...((o.inputStages as unknown[] | undefined) ?? []).flatMap(stages),
    ...stages(o.winningPlan),
    ...stages(o.queryPlan),
    ...stages(o.queryPlanner),
  ];
}

const byId: [string, () => Promise<Explained>][] = [
  ['an item by tracking code', () => ex(p.Feedback.findById('K7M2Q9XDR4'))],
  ['the signed-in account, each request', () => ex(staffUserModel(p.conn).findById('x'))],
  ["a reply's delivery status", () => ex(outboundMessageModel(p.conn).findById('x'))],
];

const byIndex: [string, () => Promise<Explained>][] = [
  ['sign-in by e-mail', () => ex(staffUserModel(p.conn).findOne({ email: 'tf@odsc.gov.la' }))],
  [
    'audit by action, newest first',
    () => ex(auditModel(p.conn).find({ action: 'login' }).sort({ _id: -1 }).limit(50)),
  ],
  [
    'audit by person, newest first',
    () => ex(auditModel(p.conn).find({ actorId: 'x' }).sort({ _id: -1 }).limit(50)),
  ],
];

test.each(byId)('%s is an _id look-up the server serves without a scan', async (_name, run) => {
  const e = await run();
  if (ferret) {
    expect(e.filterPushdown).toBe(true);
  } else {
    const s = stages(e);
    expect(s.some((x) => /IDHACK|IXSCAN|EXPRESS/.test(x))).toBe(true);
    expect(s).not.toContain('COLLSCAN');
  }
});

test.each(byIndex)('%s uses an index on MongoDB', async (_name, run) => {
  const e = await run();
  if (ferret) {
    // FerretDB evaluates these itself (no pushdown): the plan says so, and the query is valid.
    expect(e.filterPushdown).toBe(false);
  } else {
    const s = stages(e);
    expect(s).toContain('IXSCAN');
    expect(s).not.toContain('COLLSCAN');
  }
});
