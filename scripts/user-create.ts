/**
 * A staff account from the command line (the first admin, or accounts before the Users screen):
 *   echo "<password>" | npm run user:create -- --email <e> --role admin|taskforce|center_manager|analyst [--center <code> ...]
 * The password is read from standard input (one line), never from a flag, so it stays out of the
 * shell history and the process list. Prints the new user's id.
 */
import { createInterface } from 'node:readline';
import { seedCatalog } from '../shared/catalog/catalog';
import { loadConfig, type Config } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { AppError } from '../shared/errors';
import { catalogModels } from '../shared/models/catalog.model';
import { staffUserModel } from '../shared/models/staff-user.model';
import { createStaffUser } from '../shared/staff/staff-users';
import { auditModel } from '../shared/models/audit.model';
import { AuditLog } from '../shared/staff/audit-log';

export class UsageError extends Error {}

export interface UserCreateArgs {
  email: string;
  role: string;
  centers: string[];
}

export function parseArgs(argv: string[]): UserCreateArgs {
  let email: string | undefined;
  let role: string | undefined;
  const centers: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    if (!['--email', '--role', '--center'].includes(a))
      throw new UsageError(`unknown argument ${a}`);
    if (!v || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
    if (a === '--email') email = v;
    else if (a === '--role') role = v;
    else centers.push(...v.split(',').filter(Boolean));
    i++;
  }
  if (!email || !role) throw new UsageError('--email and --role are required');
  return { email, role, centers };
}

/** The first line of standard input (prompting on stderr when it is a terminal). */
export async function readPassword(input: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if ((input as { isTTY?: boolean }).isTTY) process.stderr.write('Password: ');
  const rl = createInterface({ input, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line.replace(/\r$/, '');
  }
  return '';
}

export async function userCreate(
  args: UserCreateArgs,
  password: string,
  config: Config = loadConfig(),
): Promise<string> {
  const conn = await connectMongo(config.mongoUrl);
  try {
    const catalog = catalogModels(conn);
    const Users = staffUserModel(conn);
    await Users.init();
    // A fresh database has no catalog yet (the first admin is often made before the first start).
    if (!(await catalog.Center.exists({}))) await seedCatalog(catalog);
    const centers = new Set((await catalog.Center.find({}, { code: 1 }).lean()).map((c) => c.code));
    const user = await createStaffUser(
      Users,
      { email: args.email, role: args.role as never, centers: args.centers, password },
      centers,
    );
    await new AuditLog(auditModel(conn)).record({
      actor: null,
      action: 'user_create',
      target: user._id,
      details: { via: 'cli', email: user.email, role: user.role, centers: user.centers },
    });
    return user._id;
  } finally {
    await conn.close();
  }
}

if (require.main === module) {
  (async () => {
    const args = parseArgs(process.argv.slice(2));
    const password = await readPassword();
    if (!password) throw new UsageError('no password on standard input');
    console.log(await userCreate(args, password));
  })().catch((err: unknown) => {
    if (err instanceof UsageError) {
      console.error(
        `user:create: ${err.message}\nusage: echo "<password>" | npm run user:create -- --email <e> --role admin|taskforce|center_manager|analyst [--center <code> ...]`,
      );
    } else if (err instanceof AppError) {
      const details = err.details?.map((d) => `  ${d.field}: ${d.message}`).join('\n');
      console.error(`user:create: ${err.message}${details ? `\n${details}` : ''}`);
    } else {
      const message = err instanceof Error ? err.message : String(err);
      const down = /ECONNREFUSED|Server selection timed out/.test(message);
      console.error(
        `user:create failed: ${message}${down ? '\nThe database is not reachable: start the platform first (npm start), or set MONGO_URL.' : ''}`,
      );
    }
    process.exit(1);
  });
}
