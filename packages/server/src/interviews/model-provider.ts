import {
  type ChatModel,
  createInterviewer,
  type Guide,
  type Interviewer,
  openaiModel,
  scriptedModel,
} from '@exitbot/sdk';
import QuickLRU from 'quick-lru';
import type { Config } from '../env.ts';
import { ApiError } from '../errors.ts';
import { activeGuideKey, defaultGuideKey, tenantGuide } from '../tenants/tenant-guides.ts';
import type { TenantSettings } from '../tenants/tenant-settings.ts';
import { createModelFetch } from './model-fetch.ts';

/** The model and interviewer a tenant's interviews use. */
export interface TenantEngine {
  model: ChatModel;
  interviewer: Interviewer;
  /** The guide this interviewer runs (the shipped default guide or one of the tenant's own). */
  guide: Guide;
}

/** Which guide: the one an interview started on (its state's `guideId`), else the tenant's active guide. */
export interface EngineSelection {
  tenantId: string;
  guideKey?: string | undefined;
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
  const models = new Map<string, ChatModel>();
  // One connection pool for every model of this process (tenants may name other models, not other hosts).
  const modelFetch = options.openai?.transport === 'undici' ? createModelFetch() : undefined;
  // Interviewers per model and guide; a tenant's own guides are keyed by tenant, since two tenants may both
  // upload a guide named "ours@1" with different questions.
  const engines = new QuickLRU<string, TenantEngine>({ maxSize: 2000 });

  function engineFor(
    modelKey: string,
    model: ChatModel,
    settings: TenantSettings,
    selection?: EngineSelection,
  ) {
    const key = selection?.guideKey ?? (selection ? activeGuideKey(settings) : defaultGuideKey);
    const guide = tenantGuide(settings, key);
    if (!guide) {
      throw new ApiError({
        status: 409,
        code: 'conflict',
        message: `This interview runs on guide "${key}", which the tenant no longer has.`,
      });
    }
    const cacheKey =
      key === defaultGuideKey ? `${modelKey}|default` : `${modelKey}|${selection?.tenantId}|${key}`;
    let engine = engines.get(cacheKey);
    if (!engine) {
      engine = {
        model,
        guide,
        interviewer: createInterviewer({ model, guide, ...(options.now ? { now: options.now } : {}) }),
      };
      engines.set(cacheKey, engine);
    }
    return engine;
  }

  function modelFor(key: string, make: () => ChatModel): ChatModel {
    let model = models.get(key);
    if (!model) {
      model = make();
      models.set(key, model);
    }
    return model;
  }

  return {
    /**
     * The engine for a tenant's settings: its model, and the guide of `selection` (an interview's own guide,
     * or the tenant's active guide when no key is given). Without a selection: the default guide.
     */
    forTenant(settings: TenantSettings, selection?: EngineSelection): TenantEngine {
      if (options.model) {
        const model = options.model;
        return engineFor(
          'override',
          modelFor('override', () => model),
          settings,
          selection,
        );
      }
      if (!options.openai || !settings.llm.enabled) {
        return engineFor('scripted', modelFor('scripted', scriptedModel), settings, selection);
      }
      const openai = options.openai;
      const modelName = settings.llm.model ?? openai.model;
      const key = `openai:${modelName}`;
      const model = modelFor(key, () =>
        openaiModel({
          apiKey: openai.apiKey,
          model: modelName,
          ...(openai.baseURL ? { baseURL: openai.baseURL } : {}),
          ...(modelFetch ? { fetch: modelFetch } : {}),
          resilience: openai.resilience,
        }),
      );
      return engineFor(key, model, settings, selection);
    },
    /** Whether an LLM is configured at all. */
    get usesLlm(): boolean {
      return Boolean(options.model || options.openai);
    },
  };
}
