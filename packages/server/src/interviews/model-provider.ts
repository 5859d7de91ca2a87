import {
  type ChatModel,
  createInterviewer,
  type Guide,
  type Interviewer,
  openaiModel,
  scriptedModel,
} from '@exitbot/sdk';
import type { Config } from '../env.ts';
import type { TenantSettings } from '../tenants/tenant-settings.ts';

/** The model and interviewer a tenant's interviews use. */
export interface TenantEngine {
  model: ChatModel;
  interviewer: Interviewer;
  guide: Guide | undefined;
}

/** Options of `createModelProvider()`. */
export interface ModelProviderOptions {
  /** The OpenAI-compatible endpoint from the config; undefined means the scripted interviewer. */
  openai: Config['openai'];
  /** Replaces every model (tests: `MockModel`). */
  model?: ChatModel;
  now?: () => Date;
}

/** Picks the model per tenant (scripted without a key or when the tenant turned the LLM off) and caches interviewers. */
export type ModelProvider = ReturnType<typeof createModelProvider>;

/** Creates the model provider. */
export function createModelProvider(options: ModelProviderOptions) {
  const engines = new Map<string, TenantEngine>();

  function build(key: string, model: ChatModel): TenantEngine {
    let engine = engines.get(key);
    if (!engine) {
      engine = {
        model,
        interviewer: createInterviewer({ model, ...(options.now ? { now: options.now } : {}) }),
        guide: undefined,
      };
      engines.set(key, engine);
    }
    return engine;
  }

  return {
    /** The engine for a tenant's settings. */
    forTenant(settings: TenantSettings): TenantEngine {
      if (options.model) return build('override', options.model);
      if (!options.openai || !settings.llm.enabled) return build('scripted', scriptedModel());
      const modelName = settings.llm.model ?? options.openai.model;
      const key = `openai:${modelName}`;
      if (engines.has(key)) return engines.get(key) as TenantEngine;
      return build(
        key,
        openaiModel({
          apiKey: options.openai.apiKey,
          model: modelName,
          ...(options.openai.baseURL ? { baseURL: options.openai.baseURL } : {}),
          resilience: options.openai.resilience,
        }),
      );
    },
    /** Whether an LLM is configured at all. */
    get usesLlm(): boolean {
      return Boolean(options.model || options.openai);
    },
  };
}
