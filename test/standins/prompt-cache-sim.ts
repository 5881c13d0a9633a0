// A model of Anthropic's prompt cache, for the stand-in API: given a Messages request body it says
// how many input tokens were read from the cache, written to it, and processed plainly, following
// the API's prefix rules:
// - the prompt is one sequence of blocks in the order tools → system → messages; a cache entry is a
//   prefix of that sequence ending at a breakpoint (so a change anywhere invalidates what follows);
// - breakpoints are blocks with `cache_control`, plus the top-level automatic `cache_control`, which
//   lands on the last cacheable block (a no-op when that block already has a marker of the same TTL);
//   at most 4 breakpoints per request;
// - from each breakpoint the API looks back at most 20 blocks (the breakpoint included) for an entry
//   an earlier request wrote; the longest one found is read;
// - a breakpoint whose prefix is shorter than the model's minimum cacheable length writes nothing;
// - entries live for their TTL (5 minutes or 1 hour), refreshed on each read.
// Tokens are approximated as characters / 4 (text by its characters, other blocks by their JSON),
// the same way for every request, so strategies can be compared.
import { createHash } from "crypto";

export const LOOKBACK_BLOCKS = 20;
export const MAX_BREAKPOINTS = 4;
const TTL_MS = { "5m": 5 * 60_000, "1h": 60 * 60_000 } as const;
type Ttl = keyof typeof TTL_MS;

/** Minimum cacheable prompt length by model, in tokens (Claude API); models not listed use 1,024. */
export const MIN_CACHEABLE_TOKENS: Array<[prefix: string, tokens: number]> = [
  ["claude-haiku-4-5", 4096],
  ["claude-opus-4-6", 4096],
  ["claude-opus-4-5", 4096],
  ["claude-opus-4-7", 2048],
  ["claude-opus-5", 512],
];

export function minCacheableTokens(model: string): number {
  return MIN_CACHEABLE_TOKENS.find(([prefix]) => model.startsWith(prefix))?.[1] ?? 1024;
}

export interface CacheSimOptions {
  /** Minimum cacheable prefix in tokens: a number for every model, or per model (default: the table above). */
  minTokens?: number | ((model: string) => number);
  /** Clock for TTLs; default Date.now. */
  now?: () => number;
}

export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** A request the API would reject for its cache markers (answered with a 400). */
export class CacheRuleError extends Error {}

export interface PromptBlock {
  tokens: number;
  /** Hash of the whole prefix up to and including this block. */
  prefix: string;
  cacheable: boolean;
  /** TTL of an explicit cache_control on this block. */
  marker?: Ttl;
}

export function approxTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

function ttlOf(control: any): Ttl {
  return control?.ttl === "1h" ? "1h" : "5m";
}

function blockTokens(block: any): number {
  if (block.type === "text" && typeof block.text === "string") return approxTokens(block.text.length);
  const { cache_control: _ignored, ...rest } = block;
  return approxTokens(JSON.stringify(rest).length);
}

/** Thinking blocks and empty text cannot carry a breakpoint; they are cached as part of a prefix. */
function isCacheable(block: any): boolean {
  if (block.type === "thinking" || block.type === "redacted_thinking") return false;
  return !(block.type === "text" && !block.text);
}

/** The request as the cache sees it: tools, then system, then every message block, each with its prefix hash. */
export function promptBlocks(body: any): PromptBlock[] {
  const parts: Array<{ section: string; role?: string; block: any }> = [];
  for (const tool of body.tools ?? []) parts.push({ section: "tools", block: tool });
  const system = typeof body.system === "string" ? [{ type: "text", text: body.system }] : body.system ?? [];
  for (const block of system) parts.push({ section: "system", block });
  // Settings that invalidate the message part of the cache when they change.
  const messageSettings = JSON.stringify([body.tool_choice ?? null, body.thinking ?? null, body.output_config?.effort ?? null]);
  for (const message of body.messages ?? []) {
    const content = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content ?? [];
    for (const block of content) parts.push({ section: "messages:" + messageSettings, role: message.role, block });
  }
  let hash = createHash("sha256").update(String(body.model)).digest("hex");
  return parts.map(({ section, role, block }) => {
    const { cache_control, ...rest } = block;
    hash = createHash("sha256").update(hash).update(JSON.stringify([section, role ?? null, rest])).digest("hex");
    return { tokens: blockTokens(block), prefix: hash, cacheable: isCacheable(block), ...(cache_control ? { marker: ttlOf(cache_control) } : {}) };
  });
}

/** Where a request's breakpoints are: block index and TTL. Throws CacheRuleError for more than 4. */
export function breakpoints(body: any, blocks: PromptBlock[]): Array<{ index: number; ttl: Ttl }> {
  const found = blocks.flatMap((b, index) => (b.marker ? [{ index, ttl: b.marker }] : []));
  if (body.cache_control) {
    const ttl = ttlOf(body.cache_control);
    let last = blocks.length - 1;
    while (last >= 0 && !blocks[last].cacheable) last--;
    if (last >= 0 && blocks[last].marker !== ttl) {
      const existing = found.findIndex((b) => b.index === last);
      if (existing >= 0) found.splice(existing, 1);
      found.push({ index: last, ttl });
    }
  }
  if (found.length > MAX_BREAKPOINTS) throw new CacheRuleError(`A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${found.length}.`);
  return found.sort((a, b) => a.index - b.index);
}

export class PromptCacheSim {
  private readonly entries = new Map<string, { expires: number; ttl: Ttl }>();
  private readonly now: () => number;
  private readonly minTokens: (model: string) => number;

  constructor(options: CacheSimOptions = {}) {
    this.now = options.now ?? Date.now;
    const min = options.minTokens;
    this.minTokens = typeof min === "number" ? () => min : min ?? minCacheableTokens;
  }

  /** Live cache entries. */
  get size(): number {
    const now = this.now();
    return [...this.entries.values()].filter((e) => e.expires > now).length;
  }

  reset(): void {
    this.entries.clear();
  }

  private live(prefix: string): boolean {
    const entry = this.entries.get(prefix);
    return !!entry && entry.expires > this.now();
  }

  /** Reads and writes the cache for one request and returns its input-token usage. */
  process(body: any): CacheUsage {
    const blocks = promptBlocks(body);
    const points = breakpoints(body, blocks);
    const upTo: number[] = [];
    blocks.reduce((sum, b, i) => (upTo[i] = sum + b.tokens), 0);
    const total = upTo[blocks.length - 1] ?? 0;
    const min = this.minTokens(String(body.model));

    // Read: the longest earlier entry within the lookback window of any breakpoint.
    let hit = -1;
    for (const { index } of points) {
      for (let j = index; j >= 0 && j > index - LOOKBACK_BLOCKS; j--) {
        if (this.live(blocks[j].prefix)) {
          hit = Math.max(hit, j);
          break;
        }
      }
    }
    const now = this.now();
    if (hit >= 0) {
      const entry = this.entries.get(blocks[hit].prefix)!;
      entry.expires = now + TTL_MS[entry.ttl];
    }
    const read = hit >= 0 ? upTo[hit] : 0;

    // Write: every breakpoint long enough; the tokens between the read part and each written breakpoint
    // are billed as writes at that breakpoint's TTL.
    const written = { "5m": 0, "1h": 0 };
    let covered = read;
    for (const { index, ttl } of points) {
      if (upTo[index] < min) continue;
      this.entries.set(blocks[index].prefix, { expires: now + TTL_MS[ttl], ttl });
      if (upTo[index] > covered) {
        written[ttl] += upTo[index] - covered;
        covered = upTo[index];
      }
    }
    const creation = written["5m"] + written["1h"];
    return {
      input_tokens: total - read - creation,
      cache_creation_input_tokens: creation,
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: written["5m"], ephemeral_1h_input_tokens: written["1h"] },
    };
  }
}
