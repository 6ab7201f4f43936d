import { describe, expect, it } from 'vitest';
import { parseJsonExact } from './exact-json.ts';
import { chunkParts } from './stream-parts.ts';
import { readWireChunk, toCatalog, toGenerationStats, wireChunk } from './wire.ts';

describe('the models catalog, read leniently', () => {
  const catalog = parseJsonExact(`{"data":[
    {"id":"google/gemini-2.5-flash","name":"Google: Gemini 2.5 Flash","context_length":1048576,
     "hugging_face_id":null,"per_request_limits":null,
     "architecture":{"modality":"text+image->text","instruct_type":null},
     "pricing":{"prompt":"0.0000003","completion":"0.0000025","request":"0","image":"0.001238",
                "input_cache_read":"0.000000075","discount":0,"web_search":null},
     "top_provider":{"context_length":1048576,"max_completion_tokens":65535,"is_moderated":false},
     "default_parameters":{"temperature":null}},
    {"id":"odd/model","pricing":"not an object","context_length":"long"},
    {"name":"no id at all"}
  ]}`);

  it('keeps every model whose id it can read, and the prices that are amounts', () => {
    const models = toCatalog(catalog)!;
    expect(models.map((m) => m.id)).toEqual(['google/gemini-2.5-flash', 'odd/model']);
    expect(models[0]).toEqual({
      id: 'google/gemini-2.5-flash',
      name: 'Google: Gemini 2.5 Flash',
      contextLength: 1_048_576,
      maxCompletionTokens: 65_535,
      pricing: {
        prompt: '0.0000003',
        completion: '0.0000025',
        request: '0',
        image: '0.001238',
        input_cache_read: '0.000000075',
        discount: '0',
      },
    });
    expect(models[1]).toMatchObject({ pricing: {}, contextLength: undefined });
  });

  it('answers undefined only when there is no list at all', () => {
    expect(toCatalog({ models: [] })).toBeUndefined();
  });
});

describe('generation stats', () => {
  it('reads the stats among extra fields, with an exponent-form cost kept exact', () => {
    const stats = toGenerationStats(
      parseJsonExact(`{"data":{"id":"gen-1","upstream_id":"chatcmpl-1","total_cost":1.5e-7,"cache_discount":null,
        "is_byok":false,"model":"x/y","tokens_prompt":10,"tokens_completion":null,"native_tokens_reasoning":null,
        "native_tokens_cached":0,"cancelled":null,"finish_reason":"length","native_finish_reason":"MAX_TOKENS",
        "usage":1.5e-7,"streamed":true,"provider_name":"Google"}}`),
    );
    expect(stats).toEqual({
      id: 'gen-1',
      totalCost: '0.00000015',
      model: 'x/y',
      promptTokens: 10,
      completionTokens: undefined,
      reasoningTokens: undefined,
      cachedTokens: 0,
      cancelled: false,
      finishReason: 'length',
    });
  });

  it('treats stats without a cost as not ready yet', () => {
    expect(toGenerationStats({ data: { id: 'gen-1', total_cost: null } })).toBeUndefined();
  });
});

describe('a stream chunk, the hot delta read by hand', () => {
  const chunks = [
    // the hot shape: read by hand
    '{"id":"gen-1","provider":"P","model":"m","object":"chat.completion.chunk","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}',
    '{"id":"gen-1","model":"m","choices":[{"delta":{"content":null},"finish_reason":"stop"}]}',
    '{"id":"gen-1","choices":[]}',
    '{"choices":[{"index":0}]}',
    // anything else: through the schema
    '{"id":"gen-1","model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"cost":4e-7}}',
    '{"id":"gen-1","choices":[{"delta":{"content":"x"},"finish_reason":"error"}],"error":{"code":502,"message":"down"}}',
    '{"id":7,"model":["m"],"choices":[{"delta":{"content":5},"finish_reason":3}]}',
    '{"id":"gen-1","choices":[{"delta":"text"},"odd",null]}',
    '{"id":"gen-1","choices":[{"message":{"content":"whole"},"finish_reason":"stop"}]}',
    '{"id":"gen-1","choices":null}',
  ];

  it.each(chunks)('gives the same parts as the full schema: %s', (text) => {
    const value = parseJsonExact(text);
    const bySchema = wireChunk.parse(value);
    expect(chunkParts(readWireChunk(value)!, {})).toEqual(chunkParts(bySchema, {}));
  });

  it('reads nothing from a value that is not an object', () => {
    for (const value of [null, 'text', 3, [1, 2]]) expect(readWireChunk(value)).toBeUndefined();
  });
});
