// Runs once, on the first start of an empty MongoDB volume (docker-entrypoint-initdb.d), as the
// root user: creates the platform's own user, limited to its database. Its password comes from
// MONGO_APP_PASSWORD (docker-compose.yml); MONGO_URL in the app containers uses it.
/* global db, process -- mongosh provides them */
const appPassword = process.env.MONGO_APP_PASSWORD;
if (!appPassword) throw new Error('MONGO_APP_PASSWORD is not set');
db.getSiblingDB('odsc').createUser({
  user: 'odsc',
  pwd: appPassword,
  roles: [
    { role: 'readWrite', db: 'odsc' },
    { role: 'dbAdmin', db: 'odsc' },
  ],
});
