#!/usr/bin/env node
// Runs the TypeScript sources through tsx so the command works straight after `npm install`.
import { register } from 'tsx/esm/api';

// A reader that stops early (`virtplan ... | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

register();
const { main } = await import('../src/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
