// Small files of each attachment type for tests.
// The first bytes of each format are what matter; the rest stands in for image data.
export const SAMPLES = {
  jpeg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("JFIF jpeg body")]),
  png: Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.from("png body")]),
  gif: Buffer.from("GIF89a gif body"),
  webp: Buffer.from("RIFF\x10\x00\x00\x00WEBPVP8 body", "latin1"),
  pdf: Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"),
};
