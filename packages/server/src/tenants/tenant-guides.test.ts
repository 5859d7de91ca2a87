import type { WireEvent } from '@exitbot/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, messageId, postMessage, type TestApp, type TestTenant } from '../testing/test-app.ts';
import { testDatabaseKinds } from '../testing/test-database.ts';

function warehouseGuide(version: number, opening: string) {
  const probes = [{ en: 'Can you tell me more about that?' }, { en: 'What would you change first?' }];
  return {
    id: 'warehouse',
    version,
    budget: { maxTurns: 8, targetMinutes: 6 },
    closing: { en: 'Thank you, that is everything.' },
    topics: [
      {
        id: 'why',
        required: true,
        maxTurns: 2,
        title: { en: 'Why you leave' },
        opening: { en: opening },
        probes,
      },
      {
        id: 'shifts',
        required: true,
        maxTurns: 2,
        title: { en: 'Shifts' },
        opening: { en: `How did the shift plan work for you (v${version})?` },
        probes: [{ en: 'Which shifts were hardest?' }, { en: 'How much notice did you get?' }],
      },
    ],
  };
}

const substantial = 'The night shifts were planned two days ahead and my team lead ignored every request.';

describe.each(testDatabaseKinds)("a tenant's own interview guide on %s", (kind) => {
  let fixture: TestApp;

  beforeAll(async () => {
    fixture = await createTestApp(kind);
  }, 60_000);

  afterAll(async () => {
    await fixture?.destroy();
  });

  const guideCall = (
    tenant: TestTenant,
    method: string,
    body?: unknown,
    as: keyof TestTenant = 'adminToken',
  ) =>
    fixture.app.request('/v1/admin/guide', {
      method,
      headers: { Authorization: `Bearer ${tenant[as]}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function questionOf(token: string, body: Record<string, unknown>): Promise<string> {
    const response = await postMessage(fixture.app, token, { clientMessageId: messageId(), ...body });
    expect(response.status).toBe(200);
    const { events } = (await response.json()) as { events: WireEvent[] };
    const end = events.find((event) => event.type === 'question-end');
    return end?.type === 'question-end' ? end.text : '';
  }

  it('should refuse an invalid guide with 400 naming the field, and change nothing', async () => {
    const bad = warehouseGuide(1, 'Why are you leaving?');
    bad.topics[1]!.probes = [{ en: 'Only one probe?' }];
    const response = await guideCall(fixture.tenantA, 'PUT', bad);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid-guide');
    expect(error.message).toContain('topics[1].probes');
    const current = (await (await guideCall(fixture.tenantA, 'GET')).json()) as {
      key: string;
      isDefault: boolean;
    };
    expect(current).toMatchObject({ key: 'default', isDefault: true });
  });

  it('should start new interviews on the uploaded guide and finish running ones on the version they started on', async () => {
    const v1 = await guideCall(
      fixture.tenantA,
      'PUT',
      warehouseGuide(1, 'What made you decide to leave the warehouse?'),
    );
    expect(v1.status).toBe(200);
    expect(await v1.json()).toMatchObject({ key: 'warehouse@1', isDefault: false });

    const first = await fixture.createInterview(fixture.tenantA);
    expect(await questionOf(first.token, { type: 'start' })).toContain(
      'What made you decide to leave the warehouse?',
    );
    const progress = (await (
      await fixture.app.request('/v1/interview', { headers: { Authorization: `Bearer ${first.token}` } })
    ).json()) as { interview: { progress: { total: number }; estimatedMinutes: number } };
    expect(progress.interview.progress.total).toBe(2);
    expect(progress.interview.estimatedMinutes).toBe(6);

    const v2 = await guideCall(
      fixture.tenantA,
      'PUT',
      warehouseGuide(2, 'Why are you moving on from the warehouse?'),
    );
    expect(v2.status).toBe(200);

    // The running interview keeps version 1's questions; a new one gets version 2.
    expect(await questionOf(first.token, { type: 'answer', text: substantial })).toContain('(v1)');
    const second = await fixture.createInterview(fixture.tenantA);
    expect(await questionOf(second.token, { type: 'start' })).toContain(
      'Why are you moving on from the warehouse?',
    );

    // Another tenant still runs the default guide.
    const other = await fixture.createInterview(fixture.tenantB);
    expect(await questionOf(other.token, { type: 'start' })).not.toContain('warehouse');
    expect(((await (await guideCall(fixture.tenantB, 'GET')).json()) as { key: string }).key).toBe('default');
  });

  it('should refuse to overwrite a stored version with different questions (409) but accept the same one again', async () => {
    const changed = await guideCall(
      fixture.tenantA,
      'PUT',
      warehouseGuide(1, 'A different opening question?'),
    );
    expect(changed.status).toBe(409);
    expect(((await changed.json()) as { error: { code: string } }).error.code).toBe('guide-version-exists');
    const same = await guideCall(
      fixture.tenantA,
      'PUT',
      warehouseGuide(1, 'What made you decide to leave the warehouse?'),
    );
    expect(same.status).toBe(200);
  });

  it('should let only admins change the guide, and go back to the default guide on DELETE', async () => {
    expect((await guideCall(fixture.tenantA, 'PUT', warehouseGuide(3, 'Why?'), 'analystToken')).status).toBe(
      403,
    );
    expect((await guideCall(fixture.tenantA, 'DELETE', undefined, 'analystToken')).status).toBe(403);
    expect((await guideCall(fixture.tenantA, 'GET', undefined, 'apiKey')).status).toBe(401);
    const reset = await guideCall(fixture.tenantA, 'DELETE');
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ key: 'default', isDefault: true });
    const next = await fixture.createInterview(fixture.tenantA);
    expect(await questionOf(next.token, { type: 'start' })).not.toContain('warehouse');
  });
});
