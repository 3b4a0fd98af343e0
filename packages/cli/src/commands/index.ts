import type { Command } from '../io.ts';
import { assessCommand } from './assess.ts';
import { consolidateCommand } from './consolidate.ts';
import { drCommand } from './dr.ts';
import { importCommand } from './import.ts';
import { keysCommand } from './keys.ts';
import { migrateCommand } from './migrate.ts';
import { schemaCommand } from './schema.ts';
import { serveCommand } from './serve.ts';
import { validateCommand } from './validate.ts';

/** Every command, in the order `--help` lists them. Each lives in its own file. */
export const commands: readonly Command[] = [
  validateCommand,
  assessCommand,
  consolidateCommand,
  drCommand,
  importCommand,
  schemaCommand,
  serveCommand,
  migrateCommand,
  keysCommand,
];
