/**
 * Request schemas for the OpenAPI document, derived from the zod schemas that
 * validate the requests (zod v4's own `z.toJSONSchema`), so the document says
 * exactly what validation enforces. Only the wire form is described (`io:
 * 'input'`): a field with a default is optional, a transform shows its input.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/** JSON Schema 2020-12 is OpenAPI 3.1's dialect; `$schema` is dropped because the document fixes the dialect. */
export function toOpenApiSchema(schema: z.ZodType): SchemaObject {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json as SchemaObject;
}

/** A JSON request body validated by `schema`. */
export function ApiZodBody(schema: z.ZodType, options: { required?: boolean; description?: string } = {}): MethodDecorator {
  return ApiBody({ schema: toOpenApiSchema(schema), required: options.required ?? true, ...(options.description ? { description: options.description } : {}) });
}

/**
 * One query parameter per property of a zod object schema. `hints` adds what
 * a transform hides from the JSON Schema (a date-time parsed from a string).
 */
export function ApiZodQuery(schema: z.ZodType, hints: Record<string, SchemaObject> = {}): MethodDecorator {
  const json = toOpenApiSchema(schema);
  const required = new Set(json.required ?? []);
  const decorators = Object.entries(json.properties ?? {}).map(([name, property]) =>
    ApiQuery({ name, required: required.has(name), schema: { ...(property as SchemaObject), ...hints[name] } }),
  );
  return applyDecorators(...decorators);
}
