// Attachments (camera snapshots, scans, PDFs) as the content blocks Claude reads: images as image
// blocks, PDFs as document blocks. Everything is checked before a request is sent: the type from
// the bytes themselves, readable paths, and the API's size limits.
import { promises as fs } from "fs";
import * as path from "path";
import type { Base64ImageSource, ContentBlockParam, DocumentBlockParam, ImageBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { ClaudeError } from "../errors";
import { MAX_REQUEST_BYTES, megabytes } from "../api/request-size";

export type ImageType = Base64ImageSource["media_type"];
export type AttachmentType = ImageType | "application/pdf";

/** What a flow may put in the attachments property (one of these, or an array of them). */
export type Attachment =
  | Buffer
  | string
  | { buffer?: Buffer | Uint8Array; base64?: string; path?: string; url?: string; mimeType?: string; filename?: string };

export interface AttachmentLimits {
  /** Largest image, in bytes (the API's limit is 5 MB). */
  imageBytes: number;
  /** Largest request body the attachments may fill, base64-encoded (the API's limit is 32 MB). */
  requestBytes: number;
}

export const API_LIMITS: AttachmentLimits = { imageBytes: 5 * 1024 * 1024, requestBytes: MAX_REQUEST_BYTES };
/** Room left in the request for the text, the schema and the JSON around the attachments. */
const REQUEST_RESERVE = 256 * 1024;

export const IMAGE_TYPES: ImageType[] = ["image/jpeg", "image/png", "image/gif", "image/webp"];
export const SUPPORTED_TYPES: AttachmentType[] = [...IMAGE_TYPES, "application/pdf"];
/** The supported types as errors name them. */
const SUPPORTED_NAMES = "JPEG, PNG, GIF, WEBP, PDF";

const EXTENSIONS: Record<string, AttachmentType> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".pdf": "application/pdf",
};

/** The type of a file from its first bytes; undefined when it is none of the supported types. */
export function sniffType(bytes: Uint8Array): AttachmentType | undefined {
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString("latin1");
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (ascii(0, 8) === "\x89PNG\r\n\x1a\n") return "image/png";
  if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a") return "image/gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  if (ascii(0, 5) === "%PDF-") return "application/pdf";
  return undefined;
}

export function isHttpUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

/** Turns the attachments property into content blocks, or throws a ClaudeError naming the item and the problem. */
export async function attachmentBlocks(value: unknown, limits: AttachmentLimits = API_LIMITS): Promise<ContentBlockParam[]> {
  if (value === undefined || value === null || value === "") return [];
  const items = Array.isArray(value) ? value : [value];
  const blocks: ContentBlockParam[] = [];
  let encoded = 0;
  for (let index = 0; index < items.length; index++) {
    const block = await attachmentBlock(items[index], index, limits);
    if (block.source.type === "base64") {
      encoded += block.source.data.length;
      if (encoded > limits.requestBytes - REQUEST_RESERVE) {
        throw new ClaudeError("errors.attachments-too-large", { max: megabytes(limits.requestBytes) });
      }
    }
    blocks.push(block);
  }
  return blocks;
}

async function attachmentBlock(item: unknown, index: number, limits: AttachmentLimits): Promise<ImageBlockParam | DocumentBlockParam> {
  if (Buffer.isBuffer(item) || item instanceof Uint8Array) return fromBytes(Buffer.from(item), index, limits);
  if (typeof item === "string") return isHttpUrl(item) ? fromUrl(item, undefined, undefined, index) : fromBytes(await readFile(item, index, limits), index, limits, path.basename(item));
  if (!item || typeof item !== "object") throw new ClaudeError("errors.attachment-shape", { index });
  const spec = item as Exclude<Attachment, Buffer | string>;
  const filename = typeof spec.filename === "string" && spec.filename ? spec.filename : undefined;
  if (spec.buffer !== undefined) {
    if (!(spec.buffer instanceof Uint8Array)) throw new ClaudeError("errors.attachment-shape", { index });
    return fromBytes(Buffer.from(spec.buffer), index, limits, filename);
  }
  if (typeof spec.base64 === "string") return fromBytes(decodeBase64(spec.base64, index), index, limits, filename);
  if (typeof spec.path === "string") return fromBytes(await readFile(spec.path, index, limits), index, limits, filename ?? path.basename(spec.path));
  if (typeof spec.url === "string" && isHttpUrl(spec.url)) return fromUrl(spec.url, spec.mimeType, filename, index);
  throw new ClaudeError("errors.attachment-shape", { index });
}

function decodeBase64(text: string, index: number): Buffer {
  // A data URL carries its own type; the bytes say it again, so only the data part is kept.
  const data = text.replace(/^data:[^,]*;base64,/, "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 === 1) throw new ClaudeError("errors.attachment-base64", { index });
  return Buffer.from(data, "base64");
}

async function readFile(file: string, index: number, limits: AttachmentLimits): Promise<Buffer> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new Error("not a file");
    // A file too big for any request is refused before it is read into memory.
    if (stat.size > limits.requestBytes) {
      throw new ClaudeError("errors.attachment-too-large", { index, size: megabytes(stat.size), max: megabytes(limits.requestBytes) });
    }
    return await fs.readFile(file);
  } catch (err) {
    if (err instanceof ClaudeError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ClaudeError("errors.attachment-unreadable", { index, path: file, detail: code ?? (err as Error).message });
  }
}

/**
 * The type comes from the bytes: a camera or a file name can be wrong, and the API rejects an image
 * whose bytes do not match its stated type.
 */
function fromBytes(bytes: Buffer, index: number, limits: AttachmentLimits, filename?: string): ImageBlockParam | DocumentBlockParam {
  if (!bytes.length) throw new ClaudeError("errors.attachment-empty", { index });
  const type = sniffType(bytes);
  if (!type) throw new ClaudeError("errors.attachment-type", { index, supported: SUPPORTED_NAMES });
  const data = bytes.toString("base64");
  if (type === "application/pdf") {
    return { type: "document", source: { type: "base64", media_type: "application/pdf", data }, ...(filename ? { title: filename } : {}) };
  }
  if (bytes.length > limits.imageBytes) {
    throw new ClaudeError("errors.attachment-too-large", { index, size: megabytes(bytes.length), max: megabytes(limits.imageBytes) });
  }
  return { type: "image", source: { type: "base64", media_type: type, data } };
}

/** A URL goes to Claude as it is (Claude fetches it); its type comes from mimeType or the file extension. */
function fromUrl(url: string, mimeType: string | undefined, filename: string | undefined, index: number): ImageBlockParam | DocumentBlockParam {
  const stated = mimeType?.toLowerCase().split(";")[0].trim();
  let type: AttachmentType | undefined;
  try {
    type = stated ? SUPPORTED_TYPES.find((t) => t === stated) : EXTENSIONS[path.extname(new URL(url).pathname).toLowerCase()];
  } catch {
    throw new ClaudeError("errors.attachment-shape", { index });
  }
  if (!type) throw new ClaudeError("errors.attachment-url-type", { index, url, supported: SUPPORTED_NAMES });
  if (type === "application/pdf") return { type: "document", source: { type: "url", url }, ...(filename ? { title: filename } : {}) };
  return { type: "image", source: { type: "url", url } };
}
