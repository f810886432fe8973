/**
 * A local stand-in for Twilio's REST API (Messages resource), answering like the real one:
 * HTTP basic auth with the account SID and auth token, form-encoded requests, JSON message
 * resources, Twilio's error body on failures. Tests script its next answers.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';

export interface SentSms {
  To: string;
  From: string;
  Body: string;
  StatusCallback?: string;
}

type Next = { kind: 'status'; status: number } | { kind: 'hang' } | { kind: 'invalid-number' };

export class FakeTwilio {
  readonly sent: SentSms[] = [];
  requests = 0;
  private script: Next[] = [];
  private server!: Server;
  url = '';

  constructor(
    readonly accountSid: string,
    readonly authToken: string,
  ) {}

  /** The next n requests answer like this, in order. */
  next(...answers: Next[]): void {
    this.script.push(...answers);
  }

  async start(): Promise<void> {
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.post('/2010-04-01/Accounts/:sid/Messages.json', (req, res) => {
      this.requests++;
      const auth = Buffer.from(
        (req.get('authorization') ?? '').replace(/^Basic /, ''),
        'base64',
      ).toString();
      if (auth !== `${this.accountSid}:${this.authToken}` || req.params.sid !== this.accountSid) {
        res.status(401).json({
          code: 20003,
          message: 'Authenticate',
          more_info: 'https://www.twilio.com/docs/errors/20003',
          status: 401,
        });
        return;
      }
      const answer = this.script.shift();
      if (answer?.kind === 'hang') return; // never answers: the client times out
      if (answer?.kind === 'status') {
        res.status(answer.status).json({
          code: 20500,
          message: 'Internal Server Error',
          more_info: 'https://www.twilio.com/docs/errors/20500',
          status: answer.status,
        });
        return;
      }
      if (answer?.kind === 'invalid-number') {
        res.status(400).json({
          code: 21211,
          message: `The 'To' number ${req.body.To} is not a valid phone number.`,
          more_info: 'https://www.twilio.com/docs/errors/21211',
          status: 400,
        });
        return;
      }
      const sid = `SM${randomBytes(16).toString('hex')}`;
      this.sent.push({
        To: req.body.To,
        From: req.body.From,
        Body: req.body.Body,
        StatusCallback: req.body.StatusCallback,
      });
      const now = new Date().toUTCString();
      res.status(201).json({
        account_sid: this.accountSid,
        api_version: '2010-04-01',
        body: req.body.Body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: req.body.From,
        messaging_service_sid: null,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: 'USD',
        sid,
        status: 'queued',
        subresource_uris: {
          media: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}/Media.json`,
        },
        to: req.body.To,
        uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`,
      });
    });
    this.server = app.listen(0, '127.0.0.1');
    await new Promise((r) => this.server.once('listening', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
