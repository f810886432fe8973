/**
 * `npm run seed`: prepares the configured database — every collection and index created, the ODSC
 * catalog upserted. Idempotent; production runs it once per deploy (the compose `seed` service).
 */
import { seedCatalog } from '../shared/catalog/catalog';
import { loadConfig } from '../shared/config';
import { connectMongo } from '../shared/db/mongo';
import { aliasModel } from '../shared/models/alias.model';
import { kioskDeviceModel } from '../shared/models/kiosk-device.model';
import { telegramChatModel } from '../shared/models/telegram-chat.model';
import { smsContactModel } from '../shared/models/sms-contact.model';
import { outboundMessageModel } from '../shared/models/outbound-message.model';
import { catalogModels } from '../shared/models/catalog.model';
import { feedbackModel } from '../shared/models/feedback.model';
import { rollupBatchModel, rollupModel } from '../shared/models/rollup.model';

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
    ]);
    return await seedCatalog(models);
  } finally {
    await conn.close();
  }
}

if (require.main === module) {
  seed(loadConfig().mongoUrl).then(
    (n) =>
      console.log(
        `catalog seeded: ${n.centers} centers, ${n.services} services, ${n.topics} topics`,
      ),
    (err) => {
      console.error('seed failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
