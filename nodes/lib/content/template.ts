// Instructions are Mustache templates rendered per message with msg, flow, global, env and the
// current date and time. Missing values render empty; text is not HTML-escaped.
import Mustache from "mustache";

export interface TemplateSources {
  msg: unknown;
  flow: (key: string) => unknown;
  global: (key: string) => unknown;
  env: (name: string) => unknown;
  now?: Date;
}

/** An object whose properties are read on demand from a getter, so `{{flow.x.y}}` works. */
function lookup(get: (key: string) => unknown): object {
  return new Proxy(
    {},
    {
      has: (_target, key) => typeof key === "string",
      get: (_target, key) => {
        if (typeof key !== "string") return undefined;
        try {
          return get(key);
        } catch {
          // Stores that only answer asynchronously cannot be read while rendering.
          return undefined;
        }
      },
    },
  );
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

export function dateView(now: Date): Record<string, string> {
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return {
    date,
    time,
    weekday: now.toLocaleDateString("en-US", { weekday: "long" }),
    now: `${date} ${time}`,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

/** Throws Mustache's own error for a broken template (for example an unclosed section). */
export function renderTemplate(template: string, sources: TemplateSources): string {
  if (!template) return "";
  const view = {
    ...dateView(sources.now ?? new Date()),
    msg: sources.msg,
    flow: lookup(sources.flow),
    global: lookup(sources.global),
    env: lookup(sources.env),
  };
  return Mustache.render(template, view, {}, { escape: (text: unknown) => String(text) });
}

/** Parses without rendering, so a broken template is reported when the node starts. */
export function templateProblem(template: string): string | undefined {
  try {
    Mustache.parse(template);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
