import type { AuditRow } from '../../services/loaders.ts';
import { builder } from '../builder.ts';

export const AuditEntryRef = builder.objectRef<AuditRow>('AuditEntry').implement({
  description:
    'One recorded change: who (which key), when, what. Written in the same transaction as the change.',
  fields: (t) => ({
    sequence: t.exposeInt('seq', { description: 'Grows with every entry of the database.' }),
    at: t.field({ type: 'DateTime', description: 'When the change was made.', resolve: (a) => a.at }),
    action: t.exposeString('action', {
      description: 'What was done: ESTATE_IMPORTED, WORKLOAD_ADDED, HOST_CHANGED, PLAN_RUN, ...',
    }),
    keyId: t.string({
      nullable: true,
      description: 'Public id of the API key that made the change (null: anonymous demo access or the CLI).',
      resolve: (a) => a.keyId,
    }),
    estateRevision: t.int({
      nullable: true,
      description: 'The estate revision the change produced or was computed from.',
      resolve: (a) => a.estateRevision,
    }),
    detail: t.string({
      description: 'Details of the change, as JSON.',
      resolve: (a) => JSON.stringify(a.detail),
    }),
  }),
});
