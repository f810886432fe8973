/**
 * Normalize step: validated envelope in, plain values out. Text is normalised (NFC, zero-width,
 * Lao digits, whitespace), the sender's sealed id is opened, normalised (E.164 for phones) and
 * sealed again beside a keyed hash. Nothing here touches storage.
 */
import { UnrecoverableError } from 'bullmq';
import type { IntakeEnvelope } from '../../shared/intake-envelope.schema';
import { toE164 } from '../../shared/phone';
import { senderHashInput, type PiiPurpose, type PiiVault } from '../../shared/pii';
import { contactPhoneHashOf } from '../../shared/privacy/lookups';
import { prepareText, type NormalizedText } from '../../shared/text-normalize';

export interface NormalizedSender {
  kind: IntakeEnvelope['sender']['kind'];
  idSealed?: string;
  idHash?: string;
  consentToContact: boolean;
  /** false: typed into the web form or a kiosk, never proven (see FeedbackDoc.sender). */
  verified?: boolean;
}

export interface NormalizedIntake {
  text?: NormalizedText & { raw: string };
  sender: NormalizedSender;
  /** Keyed hash of a contact number left in meta (Telegram flow): erasure by number finds it. */
  contactPhoneHash?: string;
}

export function normalizeIntake(env: IntakeEnvelope, vault: PiiVault): NormalizedIntake {
  const text =
    env.text && env.text.trim() ? { raw: env.text, ...prepareText(env.text) } : undefined;
  let sender: NormalizedSender = {
    kind: env.sender.kind,
    consentToContact: env.sender.consentToContact,
  };
  if (env.sender.id) {
    let clear: string;
    try {
      clear = vault.decrypt(env.sender.id, purposeOf(env.sender.kind));
    } catch {
      // A payload sealed with another key will never open: retrying cannot help.
      throw new UnrecoverableError(
        'sender.id cannot be decrypted with PII_KEY or any key of PII_KEYS_OLD',
      );
    }
    if (env.sender.kind === 'phone') {
      const e164 = toE164(clear);
      if (!e164) throw new UnrecoverableError('sender.id is not a valid phone number');
      clear = e164;
    }
    // A number typed on the web form or a kiosk proves nothing about who typed it: marked
    // unverified and hashed in its own namespace, it never joins the threads, surveys or STATUS
    // answers of the number that actually texted us.
    const unverified =
      env.sender.kind === 'phone' && (env.channel === 'web' || env.channel === 'kiosk');
    sender = {
      ...sender,
      idSealed: vault.encrypt(clear, purposeOf(env.sender.kind)),
      idHash: vault.hash(senderHashInput(env.sender.kind, clear, !unverified)),
      ...(unverified ? { verified: false } : {}),
    };
  }
  const sealedContact = env.meta.contactPhoneSealed;
  const contactHash =
    typeof sealedContact === 'string' ? contactPhoneHashOf(vault, sealedContact) : null;
  return { text, sender, ...(contactHash ? { contactPhoneHash: contactHash } : {}) };
}

/** A sender id is a chat id for Telegram and a phone number otherwise (SMS, web form, kiosk). */
const purposeOf = (kind: string): PiiPurpose => (kind === 'telegram' ? 'telegram' : 'phone');
