export {
  authenticate,
  createApiKey,
  ensureOrganization,
  isScope,
  type Principal,
  revokeApiKey,
  SCOPES,
  type Scope,
} from './auth/keys.ts';
export { type Database, type Db, DEFAULT_DATA_DIR, openDatabase, redactUrl } from './db/client.ts';
export { DataDirInUseError } from './db/data-dir-lock.ts';
export { appliedMigrationCount, applyMigrations, committedMigrationCount } from './db/migrate.ts';
export { createDemoKey, DEMO_ORGANIZATION, loadDemo } from './demo.ts';
export { buildSchema, printedSchema } from './graphql/index.ts';
export {
  DEFAULT_MAX_BODY_BYTES,
  type HttpServerOptions,
  type RunningServer,
  startHttpServer,
} from './http.ts';
export { createLogger } from './logger.ts';
export { createYogaServer, GRAPHQL_PATH } from './server.ts';
