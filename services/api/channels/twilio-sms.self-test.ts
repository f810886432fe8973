/**
 * Start-up check of the SMS webhook's signature path, run by the api once it listens.
 * Docs: https://www.twilio.com/docs/usage/security#validating-requests
 *
 * Twilio signs the URL entered in its console; the adapter validates against
 * `${PUBLIC_BASE_URL}${req.originalUrl}`. The self-test signs a sample request for the URL we tell
 * the operator to enter, sends it to this process's own adapter with a payload the adapter rejects
 * after the signature check (so nothing is stored or queued), and reads the answer: 400 means the
 * signature was accepted, 403 means an SMS from Twilio would be refused too.
 */
import { request } from 'node:http';
import twilio from 'twilio';

/** The URLs to enter in Twilio's console (the status callback gets `?m=<message id>` per message). */
export function twilioWebhookUrls(publicBaseUrl: string): {
  inbound: string;
  statusCallback: string;
} {
  return {
    inbound: `${publicBaseUrl}/webhooks/sms/twilio`,
    statusCallback: `${publicBaseUrl}/webhooks/sms/twilio/status`,
  };
}

/** The self-test's verdict; `reason` says what an operator should fix. */
export type SelfTestResult = { ok: true } | { ok: false; reason: string };

export async function twilioSignatureSelfTest(opts: {
  publicBaseUrl: string;
  authToken: string;
  /** Where this process listens. */
  port: number;
  timeoutMs?: number;
}): Promise<SelfTestResult> {
  const path = '/webhooks/sms/twilio';
  // Shaped like Twilio's parameters, with a MessageSid the adapter's schema refuses.
  const params = { MessageSid: 'self-test', AccountSid: 'self-test', From: '+0', Body: '' };
  const url = twilioWebhookUrls(opts.publicBaseUrl).inbound;
  const signature = twilio.getExpectedTwilioSignature(opts.authToken, url, params);
  if (!twilio.validateRequest(opts.authToken, signature, url, params))
    return {
      ok: false,
      reason: `the Twilio library does not validate its own signature for ${url}`,
    };
  const body = new URLSearchParams(params).toString();
  return new Promise<SelfTestResult>((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: opts.port,
        path,
        method: 'POST',
        timeout: opts.timeoutMs ?? 5000,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(body),
          'X-Twilio-Signature': signature,
          'User-Agent': 'odsc-api-self-test',
        },
      },
      (res) => {
        res.resume();
        if (res.statusCode === 400) resolve({ ok: true });
        else if (res.statusCode === 403)
          resolve({
            ok: false,
            reason: `a request signed for ${url} was refused: the adapter validates against another URL`,
          });
        else resolve({ ok: false, reason: `the webhook answered ${res.statusCode}, expected 400` });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ ok: false, reason: `request failed: ${err.message}` }));
    req.end(body);
  });
}
