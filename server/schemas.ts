/**
 * JSON Schemas of the hook requests (DESIGN.md §1). Validated by fastify's ajv, configured to
 * see exactly what Metacontroller sent: no coercion, no defaults, no removal.
 */
const objectMap = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    additionalProperties: { type: 'object', required: ['apiVersion', 'kind', 'metadata'] },
  },
} as const;

const parent = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  properties: {
    apiVersion: { type: 'string', minLength: 1 },
    kind: { type: 'string', minLength: 1 },
    metadata: {
      type: 'object',
      required: ['name', 'namespace'],
      properties: {
        name: { type: 'string', minLength: 1 },
        namespace: { type: 'string', minLength: 1 },
        uid: { type: 'string' },
        generation: { type: 'integer' },
      },
    },
    spec: { type: 'object' },
    status: { type: ['object', 'null'] },
  },
} as const;

/** Body of the sync and finalize hooks. */
export const syncRequestSchema = {
  type: 'object',
  required: ['parent', 'children'],
  properties: {
    controller: { type: 'object' },
    parent,
    children: objectMap,
    related: objectMap,
    finalizing: { type: 'boolean' },
  },
} as const;

/** Body of the customize hook. */
export const customizeRequestSchema = {
  type: 'object',
  required: ['parent'],
  properties: { controller: { type: 'object' }, parent },
} as const;
