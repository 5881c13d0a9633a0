// Recognises the binary formats Claude reads (images and PDF) by their first bytes, so a Buffer
// from a File In node or a camera snapshot needs no MIME type beside it.

export type ImageMediaType = "image/png" | "image/jpeg" | "image/gif" | "image/webp";
export type MediaType = ImageMediaType | "application/pdf";

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
  return bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

export function sniffMediaType(bytes: Uint8Array): MediaType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "image/gif";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(bytes, ascii("%PDF-"))) return "application/pdf";
  return undefined;
}

export function isImage(type: MediaType | undefined): type is ImageMediaType {
  return !!type && type.startsWith("image/");
}
