/**
 * The first run of `npm start` on a database without staff accounts: nobody could sign in to the
 * dashboard, so say how to create the first admin — and, when `npm start` runs in a terminal (its
 * standard input is a TTY), ask for one there and then. Piped or in the background it only prints
 * the command (`npm run user:create`), never waits for input.
 */
import { createInterface } from 'node:readline';
import type { Config } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { AppError } from '../shared/errors';
import { staffUserModel } from '../shared/models/staff-user.model';
import { MIN_PASSWORD_LENGTH } from '../shared/staff/passwords';
import { userCreate } from './user-create';

/** What `npm start` prints when no staff account exists and it cannot ask. */
export const FIRST_ADMIN_HINT = [
  'No staff account exists yet. Create the first admin (in another terminal, while this runs):',
  `  echo "<a passphrase of ${MIN_PASSWORD_LENGTH}+ characters>" | npm run user:create -- --email you@example.la --role admin`,
].join('\n');

/** Questions asked in the terminal; the password question does not echo what is typed. */
export interface Prompter {
  ask(question: string): Promise<string>;
  askHidden(question: string): Promise<string>;
  close(): void;
}

export type FirstAdminOutcome = 'exists' | 'hint' | 'created' | 'skipped';

/** How many staff accounts the database holds (0 on a fresh database). */
export async function staffAccounts(mongoUrl: string): Promise<number> {
  const conn = await connectMongo(mongoUrl, { timeoutMs: 10_000 });
  try {
    return await staffUserModel(conn).countDocuments({});
  } finally {
    await conn.close();
  }
}

/**
 * The first-run step: nothing when an account exists; otherwise the hint, or (with a prompter, i.e.
 * a terminal) the first admin created from the answers. An empty e-mail skips it (the hint is
 * printed instead); a refused answer (a short password, a malformed e-mail) is explained and asked
 * again, at most three times.
 */
export async function firstAdminStep(opts: {
  config: Config;
  out: (line: string) => void;
  prompter?: Prompter;
}): Promise<FirstAdminOutcome> {
  if ((await staffAccounts(opts.config.mongoUrl)) > 0) return 'exists';
  const { prompter, out } = opts;
  if (!prompter) {
    out(FIRST_ADMIN_HINT);
    return 'hint';
  }
  try {
    out('No staff account exists yet: create the first admin now (Enter skips).');
    for (let attempt = 0; attempt < 3; attempt++) {
      const email = (await prompter.ask('  e-mail: ')).trim();
      if (!email) break;
      const password = await prompter.askHidden(
        `  password (${MIN_PASSWORD_LENGTH}+ characters, not shown): `,
      );
      if ((await prompter.askHidden('  the same password again: ')) !== password) {
        out('  The two passwords differ; once more.');
        continue;
      }
      try {
        const id = await userCreate({ email, role: 'admin', centers: [] }, password, opts.config);
        out(`  Admin ${email} created (${id}). Sign in at /dashboard.`);
        return 'created';
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const details = err.details?.map((d) => `  ${d.message}`).join('\n');
        out(`  ${err.message}${details ? `\n${details}` : ''}`);
      }
    }
  } finally {
    prompter.close();
  }
  out(FIRST_ADMIN_HINT);
  return 'skipped';
}

/**
 * Questions on a terminal. The password is read in raw mode, echoing nothing; Ctrl-C while a
 * question is open stops `npm start` as it would at any other moment.
 */
export function terminalPrompter(
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stdout,
): Prompter {
  const interrupt = () => process.kill(process.pid, 'SIGINT');
  return {
    ask: (question) =>
      new Promise((resolve) => {
        const rl = createInterface({ input, output, terminal: true });
        rl.once('SIGINT', () => {
          rl.close();
          interrupt();
        });
        rl.question(question, (answer) => {
          rl.close();
          resolve(answer);
        });
      }),
    askHidden: (question) =>
      new Promise((resolve) => {
        output.write(question);
        let typed = '';
        input.setRawMode(true);
        input.resume();
        const onData = (chunk: Buffer) => {
          for (const ch of chunk.toString('utf8')) {
            if (ch === '\r' || ch === '\n') {
              input.off('data', onData);
              input.setRawMode(false);
              input.pause();
              output.write('\n');
              return resolve(typed);
            }
            if (ch === '\u0003') {
              input.off('data', onData);
              input.setRawMode(false);
              output.write('\n');
              return interrupt();
            }
            if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
            else if (ch >= ' ') typed += ch;
          }
        };
        input.on('data', onData);
      }),
    close: () => input.pause(),
  };
}
