// The long load run: 200 concurrent interviews for 60 s against the real server (see tests/load for the
// short run of the default test command).
import { describe, expect, it } from 'vitest';
import { baseDatabaseUrl } from '../faults/support/harness.ts';
import { loadScenario } from '../load/support/load-scenario.ts';

describe.skipIf(!baseDatabaseUrl)('soak: load', () => {
  it('should lose and double no answer with 200 concurrent interviews for 60 s, drops and repeats included', async () => {
    const result = await loadScenario({
      id: 'soak-200x60s',
      group: 'soak',
      employees: 200,
      durationMs: 60_000,
    });
    expect(result.errorRate).toBeLessThan(0.01);
  });
});
