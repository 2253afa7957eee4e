/**
 * The CFX SDK's wire form on AMQP 1.0 (`AmqpUtilities.MessageFromEnvelope`): one Data section
 * holding the UTF-8 JSON of an envelope, or of an array of envelopes when the sender batches;
 * optionally gzip-compressed (`content-encoding: gzip`); subject `<handle>.<MessageName>`;
 * application properties `cfx-topic`, `cfx-message`, `cfx-handle`, `cfx-target`.
 *
 * Field names of {@link CfxWireMessage} are rhea's, so the transport can send it as it is
 * (wrapping `body` with `rhea.message.data_section`).
 */
import { isUtf8 } from 'node:buffer';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseEnvelope, normalizeMessageName, type CfxEnvelope } from './envelope.js';
import { CfxDecodeError } from './errors.js';
import { field, isObject, str, type JsonObject } from './json.js';

/** AMQP `content-type` the SDK writes. */
export const CFX_CONTENT_TYPE = 'application/json; charset="utf-8"';

/** An outgoing message in the SDK's wire form (rhea field names). */
export interface CfxWireMessage {
  /** The Data section bytes (UTF-8 JSON, gzip-compressed when `content_encoding` is `gzip`). */
  body: Buffer;
  /** `<handle>.<MessageName>`, the routing key on a RabbitMQ `/exchange/X` target. */
  subject: string;
  /** The envelope's `UniqueID` (the first one's, for a batch). */
  message_id: string;
  content_type: string;
  content_encoding?: 'gzip';
  /** `TimeStamp` of the (first) envelope. */
  creation_time: Date;
  to?: string;
  reply_to?: string;
  correlation_id?: string;
  /** The SDK sends durable messages by default. */
  durable: boolean;
  application_properties: {
    'cfx-topic': string;
    'cfx-message': string;
    'cfx-handle': string;
    'cfx-target'?: string;
  };
}

/** Options for {@link encodeCfxMessage}. */
export interface EncodeOptions {
  /** Compress the body with gzip (the SDK's `CFXCodec.gzip`). @default false */
  gzip?: boolean;
  /** Subject template with `${cfx-handle}`, `${cfx-topic}`, `${cfx-messagename}`. @default '${cfx-handle}.${cfx-messagename}' */
  subjectFormat?: string;
  /** @default true */
  durable?: boolean;
}

/**
 * Encodes one envelope, or a batch (written as a JSON array), into the wire form. Envelope
 * objects are written as given (build them with `createEnvelope`); subject and properties come
 * from the first one.
 */
export function encodeCfxMessage(envelopes: JsonObject | readonly JsonObject[], options: EncodeOptions = {}): CfxWireMessage {
  const list = Array.isArray(envelopes) ? envelopes : [envelopes as JsonObject];
  const first = list[0];
  if (first === undefined) throw new TypeError('encodeCfxMessage: no envelopes');
  const name = str(first, 'MessageName');
  const handle = str(first, 'Source');
  const uniqueId = str(first, 'UniqueID');
  if (name === undefined || handle === undefined || uniqueId === undefined) {
    throw new TypeError('encodeCfxMessage: the envelope needs MessageName, Source and UniqueID');
  }
  const messageName = normalizeMessageName(name).messageName;
  const topic = messageName.includes('.') ? messageName.slice(0, messageName.lastIndexOf('.')) : messageName;
  const json = JSON.stringify(Array.isArray(envelopes) ? list : first);
  const bytes = Buffer.from(json, 'utf8');
  const target = str(first, 'Target');
  const requestId = str(first, 'RequestID');
  const ts = str(first, 'TimeStamp');
  const created = ts === undefined ? new Date() : new Date(ts);
  const subject = (options.subjectFormat ?? '${cfx-handle}.${cfx-messagename}')
    .replaceAll('${cfx-handle}', handle)
    .replaceAll('${cfx-topic}', topic)
    .replaceAll('${cfx-messagename}', messageName);
  const msg: CfxWireMessage = {
    body: options.gzip ? gzipSync(bytes) : bytes,
    subject,
    message_id: uniqueId,
    content_type: CFX_CONTENT_TYPE,
    creation_time: Number.isNaN(created.getTime()) ? new Date() : created,
    durable: options.durable ?? true,
    application_properties: { 'cfx-topic': topic, 'cfx-message': messageName, 'cfx-handle': handle },
  };
  if (options.gzip) msg.content_encoding = 'gzip';
  if (target !== undefined) {
    msg.to = target;
    msg.application_properties['cfx-target'] = target;
  }
  msg.reply_to = handle;
  if (requestId !== undefined) msg.correlation_id = requestId;
  return msg;
}

/** Options for decoding. */
export interface DecodeOptions {
  /** `content-encoding` of the AMQP message (`gzip` or absent). A gzip body is also recognised by its magic bytes. */
  contentEncoding?: string | undefined;
  /** Time zone for envelope timestamps without an offset. @default 'UTC' */
  timeZone?: string;
}

/** The parts of a received AMQP message that decoding reads (rhea's names). */
export interface CfxIncomingMessage {
  body?: unknown;
  content_encoding?: string | undefined;
}

/** Decodes a received AMQP message (as rhea gives it) into envelopes. */
export function decodeCfxMessage(message: CfxIncomingMessage, options: Omit<DecodeOptions, 'contentEncoding'> = {}): CfxEnvelope[] {
  return decodeCfxBody(message.body, { ...options, contentEncoding: message.content_encoding });
}

/**
 * Decodes a message body into envelopes. The body may be bytes, a rhea Data section
 * (`{typecode: 0x75, content}`), a list of Data sections, or a string. Throws
 * {@link CfxDecodeError} with the reason.
 */
export function decodeCfxBody(body: unknown, options: DecodeOptions = {}): CfxEnvelope[] {
  let bytes = bodyBytes(body);
  const encoding = options.contentEncoding?.trim().toLowerCase();
  const looksGzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (encoding === 'gzip' || looksGzip) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new CfxDecodeError('bad-gzip', `body is not valid gzip: ${(e as Error).message}`, { cause: e });
    }
  } else if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw new CfxDecodeError('bad-body', `unsupported content-encoding "${options.contentEncoding}"`);
  }
  // Checked first, then decoded by Buffer: much cheaper than a fatal TextDecoder per message.
  if (!isUtf8(bytes)) throw new CfxDecodeError('bad-utf8', 'body is not valid UTF-8');
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const position = m ? Number(m[1]) : undefined;
    throw new CfxDecodeError('bad-json', `body is not valid JSON${position === undefined ? '' : ` at position ${position}`}: ${(e as Error).message}`, {
      ...(position === undefined ? {} : { position }),
      cause: e,
    });
  }
  const timeZone = options.timeZone === undefined ? {} : { timeZone: options.timeZone };
  if (Array.isArray(value)) {
    if (value.length === 0) throw new CfxDecodeError('not-envelope', 'body is an empty array');
    return value.map((v, index) => parseEnvelope(v, { ...timeZone, index }));
  }
  return [parseEnvelope(value, timeZone)];
}

/** The bytes of a message body (Buffer, string, rhea Data section(s)); throws `CfxDecodeError` `bad-body` otherwise. */
export function bodyBytes(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  // rhea: a Data section is `{typecode: 0x75, content: Buffer}`; several arrive as an array of them.
  if (isObject(body) && field(body, 'typecode') === 0x75) return bodyBytes(field(body, 'content'));
  if (Array.isArray(body) && body.length > 0 && body.every((s) => isObject(s) && s.typecode === 0x75)) {
    return Buffer.concat(body.map((s) => bodyBytes((s as JsonObject).content)));
  }
  throw new CfxDecodeError('bad-body', `body is not a Data section (got ${body === null ? 'null' : typeof body})`);
}
