import { estateJsonSchema } from '@virtplan/core';
import { toJson } from '../args.ts';
import type { Command } from '../io.ts';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of the estate file format (for editors)',
  help: `Usage: virtplan schema > estate-v1.schema.json

Prints the JSON Schema (draft 2020-12) of the estate-v1 format, generated from the same schema the
product validates with. Point your editor's YAML/JSON language server at it, e.g. with a first line
  # yaml-language-server: $schema=./estate-v1.schema.json`,
  run: async (_argv, io) => {
    io.stdout(toJson(estateJsonSchema()));
    return 0;
  },
};
