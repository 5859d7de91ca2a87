// The short load run of the default test command: 50 concurrent interviews for 10 s against the real
// server. The long run (200 for 60 s) is `pnpm test:soak` (tests/soak).
import { describe, expect, it } from 'vitest';
import { baseDatabaseUrl } from '../faults/support/harness.ts';
import { loadScenario } from './support/load-scenario.ts';

describe.skipIf(!baseDatabaseUrl)('load (short)', () => {
  it('should lose and double no answer with 50 concurrent interviews for 10 s, drops and repeats included', async () => {
    const result = await loadScenario({
      id: 'load-50x10s',
      group: 'load',
      employees: 50,
      durationMs: 10_000,
    });
    expect(result.errorRate).toBeLessThan(0.01);
  });
});
