// What the editor needs to know about a model, from what the models endpoint says about it:
// a name to show, and which of the account's options the model takes. Pure: no Node-RED here.
import type { ModelCapabilities, ModelInfo } from "@anthropic-ai/sdk/resources/models";

import { EFFORT_LEVELS } from "../defaults";

/** What requests depend on in a model's entry at the models endpoint. */
export type ModelEntry = Pick<ModelInfo, "capabilities" | "max_tokens"> & Partial<Pick<ModelInfo, "max_input_tokens">>;

export interface ModelSupport {
  /** Effort levels the model takes; empty when it takes no effort setting. */
  effort: string[];
  thinking: { adaptive: boolean; budget: boolean };
  structured_outputs: boolean;
  image_input: boolean;
  pdf_input: boolean;
  web_search: boolean;
  code_execution: boolean;
}

export interface ModelSummary {
  id: string;
  display_name: string;
  lifecycle: ModelInfo["lifecycle"];
  max_tokens: number | null;
  max_input_tokens: number | null;
  /** null when the API did not say: the editor then offers every option. */
  capabilities: ModelSupport | null;
}

function supported(flag: { supported?: boolean } | null | undefined): boolean {
  return flag?.supported === true;
}

export function modelSupport(capabilities: ModelCapabilities | null | undefined): ModelSupport | null {
  if (!capabilities) return null;
  const effort = capabilities.effort;
  const thinking = capabilities.thinking;
  return {
    effort: supported(effort) ? EFFORT_LEVELS.filter((level) => supported(effort[level])) : [],
    thinking: {
      adaptive: supported(thinking) && supported(thinking.types?.adaptive),
      budget: supported(thinking) && supported(thinking.types?.enabled),
    },
    structured_outputs: supported(capabilities.structured_outputs),
    image_input: supported(capabilities.image_input),
    pdf_input: supported(capabilities.pdf_input),
    web_search: supported(capabilities.server_tools) && supported(capabilities.server_tools.web_search),
    code_execution: supported(capabilities.code_execution),
  };
}

export function summarizeModel(info: ModelInfo): ModelSummary {
  return {
    id: info.id,
    display_name: info.display_name || info.id,
    lifecycle: info.lifecycle ?? "active",
    max_tokens: info.max_tokens ?? null,
    max_input_tokens: info.max_input_tokens ?? null,
    capabilities: modelSupport(info.capabilities),
  };
}

/** The models a user can pick: retired ones are left out, since requests naming them fail. */
export function pickableModels(models: ModelInfo[]): ModelSummary[] {
  return models.filter((m) => m.lifecycle !== "retired").map(summarizeModel);
}
