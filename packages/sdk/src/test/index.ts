// `@exitbot/sdk/test`: test doubles for the SDK's own tests and for integrators' tests.
export {
  MockModel,
  type MockModelCall,
  type MockModelOptions,
  type MockOutcome,
  type SimulateTextStreamOptions,
  simulateTextStream,
} from './mock-model.ts';
