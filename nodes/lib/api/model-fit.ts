// Makes the options fit the model that will answer, from what the models endpoint says about it:
// thinking the model does not take is mapped to the kind it takes, max tokens above its maximum are
// clamped, effort levels it does not report are left out. Each change comes back as a notice for the
// node to warn about; what cannot fit at all is an invalid_options error before any request. Pure.
import { modelSupport, type ModelEntry } from "./models";
import { optionsError, validateOptions, type ModelOptions } from "./options";

/** A change made to fit the model; `key` names the warning in the message catalog. */
export interface FitNotice {
  key: string;
  params: Record<string, unknown>;
}

export interface Fitted {
  options: ModelOptions;
  notices: FitNotice[];
}

/** `entry` is the model's entry at the models endpoint; undefined when it could not be asked (nothing changes). */
export function fitToModel(requested: ModelOptions, entry: ModelEntry | undefined): Fitted {
  const options: ModelOptions = { ...requested };
  const notices: FitNotice[] = [];
  const model = options.model;
  const caps = entry?.capabilities;
  const support = modelSupport(caps);

  const maximum = entry?.max_tokens;
  if (maximum && options.maxTokens > maximum) {
    notices.push({ key: "warnings.max-tokens-clamped", params: { model, requested: options.maxTokens, maximum } });
    options.maxTokens = maximum;
  }

  if (support && options.thinking !== "off") {
    const takes = support.thinking;
    const wanted = options.thinking;
    if (!takes[wanted]) {
      const other = wanted === "adaptive" ? "budget" : "adaptive";
      if (!takes[other]) throw optionsError("errors.thinking-unsupported", { model, thinking: wanted });
      notices.push({ key: "warnings.thinking-mapped", params: { model, from: wanted, to: other } });
      options.thinking = other;
    }
  }

  // A level is sent only when the entry reports it supported; `null` (not reported) is not.
  if (support && options.effort && !support.effort.includes(options.effort)) {
    notices.push({ key: "warnings.effort-dropped", params: { model, effort: options.effort } });
    options.effort = "";
  }

  if (caps) {
    const tools = caps.server_tools;
    const refused = [
      options.webSearch.enabled && tools?.web_search?.supported !== true ? "web_search" : "",
      options.codeExecution && tools?.code_execution?.supported !== true && caps.code_execution?.supported !== true ? "code_execution" : "",
    ].filter(Boolean);
    if (refused.length) throw optionsError("errors.server-tool-unsupported", { model, tools: refused.join(", ") });
  }

  // A budget that fit the requested max tokens may not fit the clamped one.
  validateOptions(options);
  return { options, notices };
}
