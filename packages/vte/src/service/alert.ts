/**
 * E-mail alerts (nodemailer over SMTP): "no progress for X" and "errors above the threshold",
 * at most one message per `minIntervalMs`. A suppressed alert is counted, and its condition
 * is simply checked again later.
 */
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { VteAlertConfig } from '../config/types.js';

export interface VteAlertSent {
  at: string;
  subject: string;
}

export interface VteAlerter {
  /** Sends unless an alert went out less than `minIntervalMs` ago; resolves with whether it was sent. */
  send(subject: string, text: string): Promise<boolean>;
  readonly sent: number;
  readonly suppressed: number;
  readonly failed: number;
  readonly last: VteAlertSent | undefined;
  close(): void;
}

export function createAlerter(config: VteAlertConfig, log: Logger, now: () => number = Date.now): VteAlerter {
  const transport = nodemailer.createTransport({
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.secure,
    ...(config.smtp.user ? { auth: { user: config.smtp.user, pass: config.smtp.password ?? '' } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  let lastAt = -Infinity;
  let sent = 0;
  let suppressed = 0;
  let failed = 0;
  let last: VteAlertSent | undefined;
  return {
    async send(subject, text) {
      const t = now();
      if (t - lastAt < config.minIntervalMs) {
        suppressed++;
        log.info({ subject }, 'alert suppressed (rate limit)');
        return false;
      }
      lastAt = t;
      try {
        await transport.sendMail({ from: config.from, to: [...config.to], subject: `[tswats vte] ${subject}`, text });
        sent++;
        last = { at: new Date(t).toISOString(), subject };
        log.warn({ subject, to: config.to }, 'alert e-mail sent');
        return true;
      } catch (err) {
        failed++;
        log.error({ err, subject }, 'alert e-mail could not be sent');
        return false;
      }
    },
    get sent() {
      return sent;
    },
    get suppressed() {
      return suppressed;
    },
    get failed() {
      return failed;
    },
    get last() {
      return last;
    },
    close() {
      transport.close();
    },
  };
}
