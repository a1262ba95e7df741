import { z } from 'zod';
import { documentSchema } from './document';

/**
 * The JSON Schema of upbeat.yaml, for editors to complete and check the file, generated from the zod schema
 * apply validates with, so the two cannot disagree. Published as public/upbeat-config.schema.json (served at
 * /upbeat-config.schema.json); `npm run config -- schema` writes it, and a test fails when the file is stale.
 */
export function configJsonSchema(): Record<string, unknown> {
  // The file as written (io: input): defaults are optional, expected status may be a list or a string.
  const schema = z.toJSONSchema(documentSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return {
    ...schema,
    title: 'Upbeat configuration (upbeat.yaml)',
    description: 'Sites, channels, groups and status pages declared by stable keys; applied with npm run config -- apply FILE.',
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
