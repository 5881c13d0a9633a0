// The model options an account holds and every node inherits, with per-message overrides.
// Pure: no Node-RED here, so the rules can be tested and reused.
import { ClaudeError } from "../errors";
import { ACCOUNT_DEFAULTS as ACCOUNT, EFFORT_LEVELS } from "../defaults";
import { editorList, editorNumber } from "./editor-values";

export type ThinkingMode = "off" | "adaptive" | "budget";
export type Effort = "" | (typeof EFFORT_LEVELS)[number];
export type CachingMode = "off" | "system" | "conversation";

export interface ModelOptions {
  model: string;
  maxTokens: number;
  thinking: ThinkingMode;
  thinkingBudget: number;
  effort: Effort;
  caching: CachingMode;
  cacheTtl: "5m" | "1h";
  webSearch: { enabled: boolean; maxUses: number; allowedDomains: string[]; location?: UserLocation };
  webFetch: { enabled: boolean; maxUses: number };
  codeExecution: boolean;
}

export interface UserLocation {
  city?: string;
  region?: string;
  country?: string;
  timezone?: string;
}

/** The smallest thinking budget the API takes. */
export const MIN_THINKING_BUDGET = 1024;
const EFFORTS: Effort[] = ["", ...EFFORT_LEVELS];

export const DEFAULT_OPTIONS: ModelOptions = {
  model: ACCOUNT.model,
  maxTokens: ACCOUNT.maxTokens,
  thinking: ACCOUNT.thinking as ThinkingMode,
  thinkingBudget: ACCOUNT.thinkingBudget,
  effort: ACCOUNT.effort as Effort,
  caching: ACCOUNT.caching as CachingMode,
  cacheTtl: ACCOUNT.cacheTtl as ModelOptions["cacheTtl"],
  webSearch: { enabled: false, maxUses: ACCOUNT.webSearchMaxUses, allowedDomains: [] },
  webFetch: { enabled: false, maxUses: ACCOUNT.webFetchMaxUses },
  codeExecution: false,
};

/** An option the user set that cannot work: msg.error.type "invalid_options". */
export function optionsError(key: string, params: Record<string, unknown> = {}): ClaudeError {
  return new ClaudeError(key, params, "invalid_options");
}

const COUNT = { whole: true, positive: true };

/** Options from a config node's saved properties (strings from the editor), with defaults filled in. */
export function optionsFromConfig(config: Record<string, any>): ModelOptions {
  const location: UserLocation = {};
  for (const field of ["city", "region", "country", "timezone"] as const) {
    const value = String(config[`webSearch${field[0].toUpperCase()}${field.slice(1)}`] ?? "").trim();
    if (value) location[field] = value;
  }
  const options: ModelOptions = {
    model: String(config.model ?? "").trim() || DEFAULT_OPTIONS.model,
    maxTokens: editorNumber(config.maxTokens, DEFAULT_OPTIONS.maxTokens, COUNT),
    thinking: (["off", "adaptive", "budget"] as const).includes(config.thinking) ? config.thinking : DEFAULT_OPTIONS.thinking,
    thinkingBudget: editorNumber(config.thinkingBudget, DEFAULT_OPTIONS.thinkingBudget, COUNT),
    effort: EFFORTS.includes(config.effort) ? config.effort : DEFAULT_OPTIONS.effort,
    caching: (["off", "system", "conversation"] as const).includes(config.caching) ? config.caching : DEFAULT_OPTIONS.caching,
    cacheTtl: config.cacheTtl === "1h" ? "1h" : "5m",
    webSearch: {
      enabled: config.webSearch === true || config.webSearch === "true",
      maxUses: editorNumber(config.webSearchMaxUses, DEFAULT_OPTIONS.webSearch.maxUses, COUNT),
      allowedDomains: editorList(config.webSearchDomains),
      ...(Object.keys(location).length ? { location } : {}),
    },
    webFetch: {
      enabled: config.webFetch === true || config.webFetch === "true",
      maxUses: editorNumber(config.webFetchMaxUses, DEFAULT_OPTIONS.webFetch.maxUses, COUNT),
    },
    codeExecution: config.codeExecution === true || config.codeExecution === "true",
  };
  validateOptions(options);
  return options;
}

/** Throws an invalid_options error for combinations the API would reject. */
export function validateOptions(options: ModelOptions): void {
  if (options.thinking === "budget") {
    if (options.thinkingBudget < MIN_THINKING_BUDGET) {
      throw optionsError("errors.thinking-budget-too-small", { min: MIN_THINKING_BUDGET, budget: options.thinkingBudget });
    }
    if (options.thinkingBudget >= options.maxTokens) {
      throw optionsError("errors.thinking-budget-too-large", { budget: options.thinkingBudget, maxTokens: options.maxTokens });
    }
  }
}

/** Per-message overrides a flow may set on msg. */
export interface MessageOverrides {
  model?: unknown;
  max_tokens?: unknown;
  effort?: unknown;
  thinking?: unknown;
}

/**
 * Applies msg.model, msg.max_tokens, msg.effort and msg.thinking ("off", "adaptive" or a budget number)
 * on top of the account's options. Invalid values are reported, never silently ignored.
 */
export function applyOverrides(base: ModelOptions, msg: MessageOverrides): ModelOptions {
  const options: ModelOptions = { ...base };
  if (msg.model !== undefined) {
    if (typeof msg.model !== "string" || !msg.model.trim()) throw optionsError("errors.bad-override", { name: "model" });
    options.model = msg.model.trim();
  }
  if (msg.max_tokens !== undefined) {
    const n = Number(msg.max_tokens);
    if (!Number.isInteger(n) || n < 1) throw optionsError("errors.bad-override", { name: "max_tokens" });
    options.maxTokens = n;
  }
  if (msg.effort !== undefined) {
    if (!EFFORTS.includes(msg.effort as Effort)) throw optionsError("errors.bad-override", { name: "effort" });
    options.effort = msg.effort as Effort;
  }
  if (msg.thinking !== undefined) {
    if (msg.thinking === "off" || msg.thinking === false) options.thinking = "off";
    else if (msg.thinking === "adaptive") options.thinking = "adaptive";
    else if (Number.isInteger(Number(msg.thinking)) && Number(msg.thinking) > 0) {
      options.thinking = "budget";
      options.thinkingBudget = Number(msg.thinking);
    } else throw optionsError("errors.bad-override", { name: "thinking" });
  }
  validateOptions(options);
  return options;
}
