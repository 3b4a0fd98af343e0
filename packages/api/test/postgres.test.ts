import { describe, it } from 'vitest';
import { runApiSuite } from './api-suite.ts';
import { freshPostgres } from './helpers.ts';

const url = process.env.DATABASE_URL;

if (url) {
  runApiSuite('Postgres', () => freshPostgres(url));
} else {
  describe('API over HTTP (Postgres)', () => {
    it.skip('needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)', () => {});
  });
}
