import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { estateJsonSchema } from './json-schema.ts';

const specExample = parse(
  readFileSync(new URL('../../../../examples/spec-example.yaml', import.meta.url), 'utf8'),
);
const hospital = parse(
  readFileSync(new URL('../../../../examples/community-hospital.yaml', import.meta.url), 'utf8'),
);

describe('the generated JSON Schema', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(estateJsonSchema());

  it('accepts the examples an editor would open', () => {
    expect(validate(specExample), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(hospital), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects what the product rejects, at the same place', () => {
    const broken = structuredClone(specExample);
    broken.workloads[0].memoryGiB = -1;
    broken.hosts[0].role = 'bare-metal';
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath).sort()).toEqual([
      '/hosts/0/role',
      '/workloads/0/memoryGiB',
    ]);
  });

  it('carries the descriptions the docs and editors show', () => {
    const schema = estateJsonSchema() as { properties: Record<string, { description?: string }> };
    expect(schema.properties.apiVersion?.description).toBe('Always virtplan/v1.');
  });
});
