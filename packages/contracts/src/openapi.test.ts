import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.ts';
import { API_ROUTES } from './routes.ts';

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument();

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    // A plain JSON copy, as a client would read it from GET /v1/openapi.json.
    const result = await validator.validate(JSON.parse(JSON.stringify(document)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every route of the contract with its success response and error body', () => {
    for (const route of API_ROUTES) {
      const operation = document.paths?.[route.path]?.[route.method];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation?.operationId).toBe(route.id);
      expect(Object.keys(operation?.responses ?? {})).toContain(String(route.success.status));
      if (route.auth) expect(Object.keys(operation?.responses ?? {})).toContain('401');
    }
  });

  it('describes the chat stream events and exact decimal costs', () => {
    const schemas = document.components?.schemas ?? {};
    expect(JSON.stringify(schemas.ChatEvent)).toContain('"usage"');
    expect(JSON.stringify(schemas.UsageSummary)).toContain('pattern');
  });
});
