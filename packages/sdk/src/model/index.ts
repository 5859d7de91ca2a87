export type { ChatMessage, ChatModel, JsonSchema, ModelCallOptions } from './chat-model.ts';
export { isAbortError, isDegradedError } from './model-errors.ts';
export { type OpenAIModelOptions, openaiModel } from './openai-model.ts';
export {
  type CircuitBreakerStatus,
  getCircuitBreakerStates,
  type ResilienceOptions,
  resetCircuitBreakers,
  withResilience,
} from './resilience.ts';
export { scriptedModel } from './scripted-model.ts';
