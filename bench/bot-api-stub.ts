/**
 * A minimal stand-in for Telegram's Bot API for the benchmark: answers every method at once with
 * `{ ok: true, result }` shaped like the real one, so the webhook's own cost is what is measured.
 */
import http from 'node:http';

export function startBotApiStub(): Promise<{ url: string; calls: () => number; close(): void }> {
  let calls = 0;
  let messageId = 1;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      calls++;
      const method = req.url?.split('/').pop() ?? '';
      let result: unknown = true;
      if (method === 'getMe')
        result = { id: 1, is_bot: true, first_name: 'Bench', username: 'bench_bot' };
      else if (method === 'sendMessage') {
        const p = JSON.parse(body || '{}') as { chat_id?: number; text?: string };
        result = {
          message_id: messageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: p.chat_id, type: 'private' },
          text: p.text,
        };
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, result }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({ url: `http://127.0.0.1:${port}`, calls: () => calls, close: () => server.close() });
    }),
  );
}
