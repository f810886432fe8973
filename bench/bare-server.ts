/** The HTTP ceiling for the intake benchmark: express 5 parsing the same JSON body and answering 202. */
import express from 'express';

const app = express();
app.use(express.json({ limit: '64kb' }));
app.post('/bare', (req, res) => {
  res
    .status(202)
    .json({ trackingCode: typeof req.body?.centerCode === 'string' ? 'XXXXX-XXXXX' : null });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
