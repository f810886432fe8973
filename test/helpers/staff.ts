/**
 * Staff test helpers: accounts made through the same path as `npm run user:create`, sign-in with
 * a supertest agent (it keeps the session cookie), and feedback submitted through the real web API.
 */
import request from 'supertest';
import type { Express } from 'express';
import { staffUserModel } from '../../shared/models/staff-user.model';
import { createStaffUser } from '../../shared/staff/staff-users';
import type { Role } from '../../shared/staff/roles';
import { seedCenters } from '../../shared/catalog/catalog';
import { QueueIndex } from '../../shared/staff/queue-index';
import { createLogger } from '../../shared/logger';
import { outboundMessageModel } from '../../shared/models/outbound-message.model';
import { smsContactModel } from '../../shared/models/sms-contact.model';
import { createNotifyWorker } from '../../workers/notify/notify.worker';
import { TwilioSmsTransport } from '../../workers/notify/twilio-sms.transport';
import { FakeTwilio } from './fake-twilio';
import { startTestPlatform, waitFor, type TestPlatform } from './platform';

export const PASSWORD = 'correct horse battery';

export async function makeUser(
  p: TestPlatform,
  email: string,
  role: Role,
  centers: string[] = [],
): Promise<string> {
  const Users = staffUserModel(p.conn);
  await Users.init();
  const u = await createStaffUser(
    Users,
    { email, role, centers, password: PASSWORD },
    new Set(seedCenters.map((c) => c.code)),
  );
  return u._id;
}

export interface StaffAgent {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
  user: { id: string; email: string; role: string; centers: string[] };
}

export async function signIn(
  app: Express,
  email: string,
  password = PASSWORD,
): Promise<StaffAgent> {
  const agent = request.agent(app);
  const res = await agent.post('/api/v1/auth/login').send({ email, password });
  if (res.status !== 200)
    throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return { agent, csrf: res.body.csrfToken, user: res.body.user };
}

/** Submits feedback through POST /api/v1/feedback and waits until it is stored and counted. */
export async function submit(p: TestPlatform, body: Record<string, unknown>): Promise<string> {
  const res = await request(p.app)
    .post('/api/v1/feedback')
    .send({ rating: 2, ...body });
  if (res.status !== 202) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
  const doc = await p.counted(res.body.trackingCode);
  // The queue index is written right after the count.
  const index = new QueueIndex(p.redis, p.config.queuePrefix);
  if (doc.staffStatus !== 'closed') await waitFor(() => index.get(doc._id), `${doc._id} indexed`);
  return res.body.trackingCode as string;
}

const STAND_IN_SID = 'AC' + 'f'.repeat(32);
const STAND_IN_TOKEN = 'staff-stand-in-token-0123456789';

/**
 * A test platform with an intake worker, and a notify worker sending SMS with the real twilio
 * client to a local stand-in for Twilio's REST API — what staff replies need.
 */
export async function startStaffPlatform(
  tag: string,
  env: Record<string, string> = {},
): Promise<{ p: TestPlatform; twilio: FakeTwilio; close(): Promise<void> }> {
  const twilio = new FakeTwilio(STAND_IN_SID, STAND_IN_TOKEN);
  await twilio.start();
  const p = await startTestPlatform(tag, {
    worker: true,
    env: {
      TWILIO_ACCOUNT_SID: STAND_IN_SID,
      TWILIO_AUTH_TOKEN: STAND_IN_TOKEN,
      PUBLIC_BASE_URL: 'https://feedback.example.la',
      ...env,
    },
  });
  const notify = createNotifyWorker({
    config: p.config,
    connection: p.workerRedis,
    Outbound: outboundMessageModel(p.conn),
    SmsContact: smsContactModel(p.conn),
    vault: p.vault,
    transport: new TwilioSmsTransport(STAND_IN_SID, STAND_IN_TOKEN, '+85621000000', {
      apiBase: twilio.url,
    }),
    log: createLogger('test', 'silent'),
  });
  notify.on('error', () => undefined);
  return {
    p,
    twilio,
    async close() {
      await notify.close(true);
      await twilio.stop();
      await p.close();
    },
  };
}
