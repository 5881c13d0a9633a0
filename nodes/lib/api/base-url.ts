// The account's base URL (a gateway or proxy instead of api.anthropic.com). fetch refuses URLs with
// user info, and user info in a plain property would be exported with the flow, so such a URL is
// refused with a message that shows it without that part.

export interface BaseUrlProblem {
  key: "errors.bad-base-url" | "errors.base-url-credentials";
  params: { url: string };
}

/** Why a base URL cannot be used, or undefined when it can (an empty one means the API's own). */
export function baseUrlProblem(text: string): BaseUrlProblem | undefined {
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { key: "errors.bad-base-url", params: { url: withoutUserInfo(text) } };
  }
  if (url.username || url.password) {
    url.username = "";
    url.password = "";
    return { key: "errors.base-url-credentials", params: { url: url.href } };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { key: "errors.bad-base-url", params: { url: text } };
  return undefined;
}

/** The text with anything between "//" and "@" in its authority cut out, for text that does not parse as a URL. */
function withoutUserInfo(text: string): string {
  return text.replace(/^([^:/?#]*:?\/\/)[^/?#]*@/, "$1");
}
