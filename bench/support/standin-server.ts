// Child process entry: runs the stand-in Anthropic API and reports its URL to the parent.
import { AnthropicStandIn } from "../../test/standins/anthropic-standin";
import type { StandInConfig } from "./standin-process";

async function main(): Promise<void> {
  const config: StandInConfig = JSON.parse(process.argv[2] ?? "{}");
  const api = await new AnthropicStandIn().start();
  api.fallback = (req) => {
    const texts: string[] = (req.body?.messages ?? [])
      .filter((m: any) => m.role === "user")
      .map((m: any) => (typeof m.content === "string" ? m.content : m.content.map((b: any) => b.text ?? "").join("")));
    const text = config.echoAll ? texts.join("|") : `You said: ${texts[texts.length - 1] ?? ""}`;
    return { content: [{ type: "text", text }], ...(config.latencyMs ? { delayMs: config.latencyMs } : {}) };
  };
  // Benchmarks send tens of thousands of requests: keep none of them.
  setInterval(() => api.requests.splice(0), 1000).unref();
  process.on("message", async (m) => {
    if (m === "stop") {
      await api.stop();
      process.exit(0);
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send!({ url: api.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
