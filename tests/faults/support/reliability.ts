// Each scenario of the suite writes what it tried and what it measured to
// test-results/reliability/<id>.json; scripts/reliability-report.ts turns them into docs/reliability.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './harness.ts';

/** Measured figures of a scenario (only what was really counted). */
export interface ScenarioFigures {
  /** HTTP requests the suite sent to the server. */
  requests?: number;
  /** Faults injected (bad tokens, hostile bodies, model failures, restarts, kills...). */
  faults?: number;
  /** Calls that reached the fake model. */
  modelCalls?: number;
  /** Wall-clock duration of the scenario. */
  durationMs?: number;
  /** Answers the clients sent that are not stored exactly once (lost or duplicated). */
  answersLost?: number;
  answersDuplicated?: number;
  /** Anything else worth a number (p50, p99, throughput, error rate...). */
  [name: string]: number | undefined;
}

/** One row of docs/reliability.md. */
export interface ScenarioResult {
  id: string;
  group:
    | 'tokens'
    | 'tenants'
    | 'inputs'
    | 'xss'
    | 'injection'
    | 'model faults'
    | 'database faults'
    | 'process faults'
    | 'load'
    | 'soak';
  scenario: string;
  tried: string;
  outcome: string;
  status: 'passed' | 'failed';
  figures: ScenarioFigures;
  /** Honest notes: compressed time windows, what was simulated. */
  notes?: string;
  finishedAt: string;
}

/** Folder of the JSON results. */
export const resultsDirectory = join(repositoryRoot, 'test-results', 'reliability');

/** A scenario in progress: fill `figures` and `outcome` while the test runs. */
export interface ScenarioRecorder {
  figures: ScenarioFigures;
  outcome: string;
  notes: string | undefined;
}

/**
 * Runs a scenario body and writes its result (passed or failed, with the figures gathered so far);
 * the body's error is rethrown so the test fails as usual.
 */
export async function runScenario(
  meta: Pick<ScenarioResult, 'id' | 'group' | 'scenario' | 'tried'> & { notes?: string },
  body: (recorder: ScenarioRecorder) => Promise<void>,
): Promise<void> {
  const recorder: ScenarioRecorder = { figures: {}, outcome: '', notes: meta.notes };
  const started = performance.now();
  let failure: unknown;
  try {
    await body(recorder);
  } catch (error) {
    failure = error;
  }
  recorder.figures.durationMs ??= Math.round(performance.now() - started);
  const result: ScenarioResult = {
    id: meta.id,
    group: meta.group,
    scenario: meta.scenario,
    tried: meta.tried,
    outcome: failure
      ? `FAILED: ${failure instanceof Error ? failure.message.split('\n')[0] : String(failure)}`
      : recorder.outcome,
    status: failure ? 'failed' : 'passed',
    figures: recorder.figures,
    ...(recorder.notes ? { notes: recorder.notes } : {}),
    finishedAt: new Date().toISOString(),
  };
  mkdirSync(resultsDirectory, { recursive: true });
  writeFileSync(join(resultsDirectory, `${meta.id}.json`), `${JSON.stringify(result, null, 2)}\n`);
  if (failure) throw failure;
}
