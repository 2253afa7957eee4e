import { randomUUID } from 'node:crypto';
import type { SimContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { canonicalGuid } from '../../guid.js';

/** One uploaded root-cause attachment. Bytes are kept base64-encoded so the state stays JSON. */
interface StoredAttachment {
  fileName: string;
  contentType: string;
  size: number;
  uploadedUtc: string;
  uploadedBy: string;
  data: string;
}

interface AttachmentState {
  files: Record<string, StoredAttachment>;
}

const STATE = 'root-cause-attachments';

function state(sim: SimContext): AttachmentState {
  return sim.state.get<AttachmentState>(STATE, () => ({ files: {} }));
}

/**
 * Stores the first file of a multipart upload (`POST /api/RootCause/Attachment`) and returns
 * its new attachment id. The request must be `multipart/form-data` with at least one file part.
 */
export async function storeUpload(sim: SimContext, body: Buffer, contentType: string | undefined, user: string): Promise<string> {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) {
    throw new HttpError(415, "The request must be 'multipart/form-data' with the file to upload.");
  }
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch (err) {
    throw new HttpError(400, `The multipart body could not be read: ${(err as Error).message}`);
  }
  const file = [...form.values()].find((v) => typeof v !== 'string');
  if (!file || typeof file === 'string') throw new HttpError(400, 'The multipart body has no file part.');
  const bytes = Buffer.from(await file.arrayBuffer());
  const id = randomUUID();
  state(sim).files[id] = {
    fileName: file.name || 'attachment',
    contentType: file.type || 'application/octet-stream',
    size: bytes.length,
    uploadedUtc: new Date().toISOString(),
    uploadedBy: user,
    data: bytes.toString('base64'),
  };
  await sim.state.save(STATE);
  return id;
}

export interface AttachmentFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** The stored file, or 404. */
export function readAttachment(sim: SimContext, attachmentId: string): AttachmentFile {
  const stored = state(sim).files[canonicalGuid(attachmentId)];
  if (!stored) throw new HttpError(404, `Attachment '${attachmentId}' was not found.`);
  return { fileName: stored.fileName, contentType: stored.contentType, bytes: Buffer.from(stored.data, 'base64') };
}

/** The file name of a stored attachment, or undefined when the id is unknown. */
export function attachmentFileName(sim: SimContext, attachmentId: string): string | undefined {
  return state(sim).files[attachmentId]?.fileName;
}

/** `Content-Disposition` for a download: `attachment` with the asked name, else `inline`. */
export function contentDisposition(fileName: string, asAttachment: boolean): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${asAttachment ? 'attachment' : 'inline'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
