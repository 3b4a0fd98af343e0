import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema as buildSdlSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../src/graphql/index.ts';

const committed = join(dirname(fileURLToPath(import.meta.url)), '../schema.graphql');

describe('schema.graphql', () => {
  it('equals the live schema (regenerate with `npm run schema -w @virtplan/api`)', () => {
    expect(readFileSync(committed, 'utf8')).toBe(printedSchema());
  });

  it('describes every type, field, argument and enum value (the docs are generated from them)', () => {
    const schema = buildSdlSchema(printedSchema());
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name))
        continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) {
              missing.push(`${type.name}.${field.name}(${arg.name})`);
            }
          }
        }
      }
      if (isEnumType(type))
        for (const v of type.getValues()) if (!v.description) missing.push(`${type.name}.${v.name}`);
      if (isUnionType(type) && !type.description) missing.push(type.name);
    }
    expect(missing).toEqual([]);
  });
});
