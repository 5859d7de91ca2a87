import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../errors/exitbot-error.ts';
import { MockModel, simulateTextStream } from './index.ts';

const messages = [{ role: 'user' as const, content: 'I was underpaid.' }];
const schema = { type: 'object' };

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('MockModel', () => {
  it('should replay the default chunks and record every call with a copy of its messages', async () => {
    const model = new MockModel({ chunks: ['Tell me ', 'more.'] });
    const input = [...messages];

    expect(
      await collect(model.streamText({ messages: input, temperature: 0.2, maxOutputTokens: 40 })),
    ).toEqual(['Tell me ', 'more.']);
    input.push({ role: 'user', content: 'added later' });
    expect(await collect(model.streamText({ messages: input }))).toEqual(['Tell me ', 'more.']);

    expect(model.calls).toHaveLength(2);
    expect(model.calls[0]).toMatchObject({
      method: 'streamText',
      messages,
      temperature: 0.2,
      maxOutputTokens: 40,
    });
    expect(model.calls[1]?.messages).toHaveLength(2);
    expect(model.provider).toBe('mock');
    expect(model.modelId).toBe('mock-model');
  });

  it('should consume queued outcomes in order, then fall back to the defaults', async () => {
    const failure = new ModelCallError({ message: 'down', statusCode: 503, isRetryable: true });
    const model = new MockModel({ chunks: ['default'], object: { fallback: true } }).enqueue(
      { type: 'error', error: failure },
      { type: 'chunks', chunks: ['queued'] },
      { type: 'object', object: { reason: 'pay' } },
    );

    await expect(collect(model.streamText({ messages }))).rejects.toBe(failure);
    expect(await collect(model.streamText({ messages }))).toEqual(['queued']);
    expect(await model.generateObject({ messages, schema, schemaName: 'r' })).toEqual({ reason: 'pay' });
    expect(await model.generateObject({ messages, schema, schemaName: 'r' })).toEqual({ fallback: true });
    expect(await collect(model.streamText({ messages }))).toEqual(['default']);
    expect(model.streamTextCalls).toHaveLength(3);
    expect(model.generateObjectCalls.map((call) => call.schemaName)).toEqual(['r', 'r']);
  });

  it('should fail every call with the configured error', async () => {
    const error = new Error('always');
    const model = new MockModel({ error });

    await expect(collect(model.streamText({ messages }))).rejects.toBe(error);
    await expect(model.generateObject({ messages, schema, schemaName: 's' })).rejects.toBe(error);
  });

  it('should compute objects from the call and return copies that callers cannot corrupt', async () => {
    const model = new MockModel({ object: (call) => ({ echo: call.messages[0]?.content }) });
    expect(await model.generateObject({ messages, schema, schemaName: 's' })).toEqual({
      echo: 'I was underpaid.',
    });

    const shared = { tags: ['a'] };
    const copying = new MockModel().enqueue({ type: 'object', object: shared });
    const value = (await copying.generateObject({ messages, schema, schemaName: 's' })) as { tags: string[] };
    value.tags.push('b');
    expect(shared.tags).toEqual(['a']);
  });

  it('should parse chunks as JSON for generateObject and reject malformed JSON as model-output-invalid', async () => {
    const model = new MockModel().enqueue(
      { type: 'chunks', chunks: ['{"ok":', 'true}'] },
      { type: 'chunks', chunks: ['{"ok":'] },
    );

    expect(await model.generateObject({ messages, schema, schemaName: 's' })).toEqual({ ok: true });
    await expect(model.generateObject({ messages, schema, schemaName: 's' })).rejects.toMatchObject({
      code: 'model-output-invalid',
      isRetryable: false,
    });
  });

  it('should honour delays and break a stream after its chunks when told to', async () => {
    const model = new MockModel().enqueue({
      type: 'chunks',
      chunks: ['a', 'b'],
      initialDelayMs: 30,
      chunkDelayMs: 30,
      errorAfterChunks: new Error('cut'),
    });
    const received: string[] = [];
    const started = performance.now();

    await expect(
      (async () => {
        for await (const chunk of model.streamText({ messages })) received.push(chunk);
      })(),
    ).rejects.toThrow('cut');

    expect(received).toEqual(['a', 'b']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('should hang until the call is aborted, then reject with code aborted', async () => {
    const model = new MockModel().enqueue({ type: 'hang' }, { type: 'hang' });
    const controller = new AbortController();

    const stream = collect(model.streamText({ messages, signal: controller.signal }));
    const object = model.generateObject({ messages, schema, schemaName: 's', signal: controller.signal });
    setTimeout(() => controller.abort(), 20);

    await expect(stream).rejects.toMatchObject({ code: 'aborted' });
    await expect(object).rejects.toMatchObject({ code: 'aborted' });
    expect(model.calls.every((call) => call.signal?.aborted)).toBe(true);
  });

  it('should forget calls and queued outcomes on reset', async () => {
    const model = new MockModel({ chunks: ['x'] }).enqueue({ type: 'chunks', chunks: ['queued'] });
    await collect(model.streamText({ messages }));
    model.enqueue({ type: 'chunks', chunks: ['queued again'] });

    model.reset();

    expect(model.calls).toEqual([]);
    expect(await collect(model.streamText({ messages }))).toEqual(['x']);
  });
});

describe('simulateTextStream', () => {
  it('should stop with code aborted when its signal fires between chunks', async () => {
    const controller = new AbortController();
    const received: string[] = [];

    await expect(
      (async () => {
        for await (const chunk of simulateTextStream({
          chunks: ['one', 'two', 'three'],
          chunkDelayMs: 20,
          signal: controller.signal,
        })) {
          received.push(chunk);
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: 'aborted' });
    expect(received).toEqual(['one']);
  });
});
