import type { Command } from '../io.ts';

/** Every command, in the order `--help` lists them. Each lives in its own file. */
export const commands: readonly Command[] = [];
