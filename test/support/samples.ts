// Small files of each attachment type for tests.
// The first bytes of each format are what matter; the rest stands in for image data.
export const SAMPLES = {
  jpeg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("JFIF jpeg body")]),
  png: Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.from("png body")]),
  gif: Buffer.from("GIF89a gif body"),
  webp: Buffer.from("RIFF\x10\x00\x00\x00WEBPVP8 body", "latin1"),
  pdf: Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"),
  /** A RIFF file that is not an image: a WAV sound shares WEBP's first four bytes. */
  wav: Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00", "latin1"),
};

/** The API's limit for one image: 5 MB. */
export const API_IMAGE_LIMIT = 5 * 1024 * 1024;

/** A PNG of exactly `bytes` bytes. */
export function pngOfSize(bytes: number): Buffer {
  const image = Buffer.alloc(bytes);
  SAMPLES.png.copy(image);
  return image;
}
