/**
 * The processes of a new deployment start together and each asks for the database's deployment
 * id (shared/redis-checks.ts): the first upserts race, and every process must get the one id —
 * not a duplicate-key error that stops it (seen by `npm run chaos` as a worker that would not
 * start).
 */
import { connectMongo } from '../shared/db/mongo';
import { deploymentId } from '../shared/redis-checks';
import { testConfig } from './helpers/platform';

test('processes starting together on a new database all get the same deployment id', async () => {
  const conn = await connectMongo(testConfig('deployid').mongoUrl);
  try {
    for (let round = 0; round < 5; round++) {
      await conn.db!.collection('platform_meta').deleteMany({});
      const ids = await Promise.all(Array.from({ length: 12 }, () => deploymentId(conn)));
      expect(new Set(ids).size).toBe(1);
    }
  } finally {
    await conn.dropDatabase();
    await conn.close();
  }
});
