/**
 * `npm run seed`: prepares the configured database — every collection and index created, the
 * shipped ODSC catalog entries that are missing added (never an entry an admin changed: see
 * docs/catalog.md), then the data migrations not yet run. Idempotent; production runs it once per
 * deploy (the compose `seed` service).
 */
import { seedCatalog } from '../shared/catalog/catalog';
import { runMigrations } from '../shared/catalog/migrations';
import { loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { aliasModel } from '../shared/models/alias.model';
import { kioskDeviceModel } from '../shared/models/kiosk-device.model';
import { telegramChatModel } from '../shared/models/telegram-chat.model';
import { smsContactModel } from '../shared/models/sms-contact.model';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { catalogModels } from '../shared/models/catalog.model';
import { migrationModel } from '../shared/models/migration.model';
import { feedbackModel } from '../shared/models/feedback.model';
import { rollupBatchModel, rollupModel } from '../shared/models/rollup.model';
import { ensureLookupCollection } from '../shared/privacy/lookups';

export async function seed(mongoUrl: string) {
  const conn = await connectMongo(mongoUrl);
  try {
    const models = catalogModels(conn);
    await Promise.all([
      models.Center.init(),
      models.Service.init(),
      models.Topic.init(),
      feedbackModel(conn).init(),
      rollupModel(conn).init(),
      rollupBatchModel(conn).init(),
      aliasModel(conn).init(),
      smsContactModel(conn).init(),
      outboundMessageModel(conn).init(),
      telegramChatModel(conn).init(),
      kioskDeviceModel(conn).init(),
      migrationModel(conn).init(),
      ensureLookupCollection(conn),
    ]);
    const added = await seedCatalog(models);
    return { ...added, migrations: await runMigrations(conn) };
  } finally {
    await conn.close();
  }
}

if (require.main === module) {
  seed(loadConfig().mongoUrl).then(
    (n) =>
      console.log(
        `catalog: ${n.centers} centers, ${n.services} services, ${n.topics} topics added; ` +
          `migrations run: ${n.migrations.length ? n.migrations.join(', ') : 'none'}`,
      ),
    (err) => {
      console.error('seed failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
