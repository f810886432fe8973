/**
 * The chaos run's stand-in for Telegram's Bot API (https://core.telegram.org/bots/api): answers
 * every method with `{ ok: true, result }` shaped like the real one, and records the tracking code
 * of every receipt the bot sends, by the message it answers (`reply_parameters.message_id`), so
 * the run knows which feedback each accepted update was given.
 */
import http from 'node:http';
import { parseTrackingCode } from '../../shared/tracking-code';

export interface ChaosBotApi {
  url: string;
  calls(): number;
  /** Every code the bot sent in answer to `<chat_id>:<message_id>`, in order. */
  receipts: Map<string, string[]>;
  close(): Promise<void>;
}

const CODE = /([0-9A-Z]{5}-[0-9A-Z]{5})/;

export function startChaosBotApi(): Promise<ChaosBotApi> {
  let calls = 0;
  let messageId = 1;
  const receipts = new Map<string, string[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      calls++;
      const method = req.url?.split('/').pop() ?? '';
      let result: unknown = true;
      if (method === 'getMe') {
        result = { id: 7000000001, is_bot: true, first_name: 'Chaos', username: 'chaos_bot' };
      } else if (method === 'sendMessage' || method === 'editMessageText') {
        let p: {
          chat_id?: number | string;
          text?: string;
          reply_parameters?: { message_id?: number };
        } = {};
        try {
          p = JSON.parse(body || '{}') as typeof p;
        } catch {
          /* form-encoded or empty: nothing to record */
        }
        const replyTo = p.reply_parameters?.message_id;
        const code = CODE.exec(p.text ?? '')?.[1];
        if (replyTo !== undefined && code) {
          const key = `${p.chat_id}:${replyTo}`;
          const list = receipts.get(key) ?? [];
          list.push(parseTrackingCode(code) ?? code);
          receipts.set(key, list);
        }
        result = {
          message_id: messageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(p.chat_id), type: 'private' },
          text: p.text,
        };
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, result }));
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        calls: () => calls,
        receipts,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    }),
  );
}
