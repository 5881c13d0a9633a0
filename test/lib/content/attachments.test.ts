import assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { attachmentBlocks, sniffType } from "../../../nodes/lib/content/attachments";
import { ClaudeError } from "../../../nodes/lib/errors";
import { API_IMAGE_LIMIT, pngOfSize, SAMPLES } from "../../support/samples";


function failsWith(key: string, params: Record<string, unknown> = {}) {
  return (err: unknown) => {
    assert.ok(err instanceof ClaudeError, String(err));
    assert.strictEqual(err.key, key);
    for (const [name, value] of Object.entries(params)) assert.strictEqual(err.params[name], value, name);
    return true;
  };
}

describe("attachments", function () {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "claude-attachments-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("knows each supported type from its first bytes", () => {
    assert.strictEqual(sniffType(SAMPLES.jpeg), "image/jpeg");
    assert.strictEqual(sniffType(SAMPLES.png), "image/png");
    assert.strictEqual(sniffType(SAMPLES.gif), "image/gif");
    assert.strictEqual(sniffType(SAMPLES.webp), "image/webp");
    assert.strictEqual(sniffType(SAMPLES.pdf), "application/pdf");
    assert.strictEqual(sniffType(SAMPLES.wav), undefined, "a WAV is a RIFF file but no WEBP image");
    assert.strictEqual(sniffType(Buffer.from("hello")), undefined);
    assert.strictEqual(sniffType(Buffer.alloc(0)), undefined);
  });

  it("makes image blocks of images and document blocks of PDFs, whatever form they come in", async () => {
    const pdfPath = path.join(dir, "invoice.pdf");
    fs.writeFileSync(pdfPath, SAMPLES.pdf);
    const blocks = await attachmentBlocks([
      SAMPLES.jpeg,
      { base64: SAMPLES.png.toString("base64") },
      { buffer: new Uint8Array(SAMPLES.webp) },
      pdfPath,
      { path: pdfPath, filename: "March invoice" },
    ]);
    assert.deepStrictEqual(blocks, [
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: SAMPLES.jpeg.toString("base64") } },
      { type: "image", source: { type: "base64", media_type: "image/png", data: SAMPLES.png.toString("base64") } },
      { type: "image", source: { type: "base64", media_type: "image/webp", data: SAMPLES.webp.toString("base64") } },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: SAMPLES.pdf.toString("base64") }, title: "invoice.pdf" },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: SAMPLES.pdf.toString("base64") }, title: "March invoice" },
    ]);
  });

  it("takes one attachment without an array, and nothing as no attachments", async () => {
    assert.strictEqual((await attachmentBlocks(SAMPLES.gif)).length, 1);
    assert.deepStrictEqual(await attachmentBlocks(undefined), []);
    assert.deepStrictEqual(await attachmentBlocks([]), []);
  });

  it("trusts the bytes over a stated type, since the API rejects a mismatch", async () => {
    const [block] = await attachmentBlocks([{ buffer: SAMPLES.png, mimeType: "image/jpeg" }]);
    assert.strictEqual((block as any).source.media_type, "image/png");
  });

  it("accepts a data URL as base64", async () => {
    const [block] = await attachmentBlocks([{ base64: `data:image/gif;base64,${SAMPLES.gif.toString("base64")}` }]);
    assert.strictEqual((block as any).source.media_type, "image/gif");
  });

  it("passes URLs on as URL sources without downloading them", async () => {
    const blocks = await attachmentBlocks([
      "https://example.com/cam/snapshot.JPG?t=1",
      { url: "https://example.com/files/report", mimeType: "application/pdf", filename: "Report" },
    ]);
    assert.deepStrictEqual(blocks, [
      { type: "image", source: { type: "url", url: "https://example.com/cam/snapshot.JPG?t=1" } },
      { type: "document", source: { type: "url", url: "https://example.com/files/report" }, title: "Report" },
    ]);
  });

  it("says which attachment is wrong and why", async () => {
    await assert.rejects(attachmentBlocks([SAMPLES.jpeg, path.join(dir, "missing.jpg")]), failsWith("errors.attachment-unreadable", { index: 1, detail: "ENOENT" }));
    await assert.rejects(attachmentBlocks([dir]), failsWith("errors.attachment-unreadable", { index: 0 }));
    await assert.rejects(attachmentBlocks([Buffer.from("just some text")]), failsWith("errors.attachment-type", { index: 0 }));
    await assert.rejects(attachmentBlocks([Buffer.alloc(0)]), failsWith("errors.attachment-empty", { index: 0 }));
    await assert.rejects(attachmentBlocks(["https://example.com/cam/latest"]), failsWith("errors.attachment-url-type", { index: 0 }));
    await assert.rejects(attachmentBlocks([{ url: "https://example.com/a.txt", mimeType: "text/plain" }]), failsWith("errors.attachment-url-type"));
    await assert.rejects(attachmentBlocks([{ base64: "not base64!" }]), failsWith("errors.attachment-base64"));
    await assert.rejects(attachmentBlocks([42]), failsWith("errors.attachment-shape", { index: 0 }));
    await assert.rejects(attachmentBlocks([{ filename: "x.jpg" }]), failsWith("errors.attachment-shape"));
  });

  it("refuses a WAV sound instead of sending it as a WEBP image", async () => {
    await assert.rejects(attachmentBlocks([SAMPLES.wav]), failsWith("errors.attachment-type", { index: 0 }));
  });

  it("takes an image of the API's 5 MB and refuses one byte more", async () => {
    const [block] = await attachmentBlocks([pngOfSize(API_IMAGE_LIMIT)]);
    assert.strictEqual(block.type, "image");
    await assert.rejects(attachmentBlocks([pngOfSize(API_IMAGE_LIMIT + 1)]), failsWith("errors.attachment-too-large", { index: 0 }));
    // The same edge under a configured limit.
    const limits = { imageBytes: 1000, requestBytes: 300 * 1024 };
    assert.strictEqual((await attachmentBlocks([pngOfSize(1000)], limits)).length, 1);
    await assert.rejects(attachmentBlocks([pngOfSize(1001)], limits), failsWith("errors.attachment-too-large", { index: 0 }));
  });

  it("refuses files over the limits before sending anything", async () => {
    const limits = { imageBytes: 1000, requestBytes: 300 * 1024 };
    const bigImage = Buffer.concat([SAMPLES.png, Buffer.alloc(2000)]);
    await assert.rejects(attachmentBlocks([bigImage], limits), failsWith("errors.attachment-too-large", { index: 0 }));
    const bigFile = path.join(dir, "big.pdf");
    fs.writeFileSync(bigFile, Buffer.concat([SAMPLES.pdf, Buffer.alloc(400 * 1024)]));
    await assert.rejects(attachmentBlocks([bigFile], limits), failsWith("errors.attachment-too-large", { index: 0 }), "a file too big is not read at all");
    // Each PDF fits, together they do not.
    const pdf = Buffer.concat([SAMPLES.pdf, Buffer.alloc(20 * 1024)]);
    await assert.rejects(attachmentBlocks([pdf, pdf], { imageBytes: 1000, requestBytes: 256 * 1024 + 40 * 1024 }), failsWith("errors.attachments-too-large"));
  });
});
