// What a request may use at most, estimated before it is sent, for the daily limit's reservation:
// its max_tokens plus its input estimated from its size. No request to count tokens is made.
import type { MessageCreateParamsBase } from "@anthropic-ai/sdk/resources/messages";

/** Bytes of UTF-8 per token, on the safe side: English runs near 4, code and German near 3, CJK near 3 (one character). */
const BYTES_PER_TOKEN = 3;
/** An image, as the API scales it down (at most about 1,600 tokens for 1.15 megapixels). */
const IMAGE_TOKENS = 1600;
/** A PDF's pages are read as text and images: counted by size, at least one image's worth. */
const PDF_BYTES_PER_TOKEN = 100;

/** Base64 payloads are counted by what they carry, not by their length as text. */
function withoutPayloads(params: MessageCreateParamsBase): { text: string; extra: number } {
  let extra = 0;
  const text = JSON.stringify({ system: params.system, messages: params.messages, tools: params.tools }, (key, value) => {
    if (value && typeof value === "object" && value.type === "base64" && typeof value.data === "string") {
      const bytes = Math.floor((value.data.length * 3) / 4);
      extra += String(value.media_type).startsWith("image/") ? IMAGE_TOKENS : Math.max(IMAGE_TOKENS, Math.ceil(bytes / PDF_BYTES_PER_TOKEN));
      return { type: "base64", media_type: value.media_type };
    }
    return value;
  });
  return { text, extra };
}

/** Input tokens a request may be billed for, estimated from its size. */
export function estimateInputTokens(params: MessageCreateParamsBase): number {
  const { text, extra } = withoutPayloads(params);
  return Math.ceil(Buffer.byteLength(text, "utf8") / BYTES_PER_TOKEN) + extra;
}

/** The most tokens a request may use: its input estimate and all it may write. */
export function requestWorth(params: MessageCreateParamsBase): number {
  return estimateInputTokens(params) + (params.max_tokens ?? 0);
}
