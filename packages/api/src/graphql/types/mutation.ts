import { GraphQLError } from 'graphql';
import type { RequestContext } from '../../context.ts';
import {
  addEntry,
  type ChangeOutcome,
  type ChangeRefusal,
  changeEntry,
  changeEstate,
  type DocumentEdit,
  deleteEstate,
  importEstate,
  removeEntry,
} from '../../services/estates.ts';
import { isUuid } from '../../services/readiness.ts';
import { builder } from '../builder.ts';
import { EstateFormatEnum } from './common.ts';
import {
  HostChangesInput,
  HostInput,
  toDocumentFields,
  WorkloadChangesInput,
  WorkloadInput,
} from './inputs.ts';
import {
  DeleteEstateResultRef,
  EstateChangeResultRef,
  type EstateSuccess,
  ImportEstateResultRef,
} from './results.ts';

function outcome(ctx: RequestContext, result: ChangeOutcome) {
  ctx.loaders.clearAll();
  if (result.ok) ctx.estateCache.delete(`${ctx.principal.organizationId}/${result.estate.id}`);
  if (result.ok) return { kind: 'SUCCESS' as const, estate: result.estate, warnings: result.warnings };
  return result.refusal;
}

async function change(
  ctx: RequestContext,
  estateId: string,
  expectedRevision: number,
  action: string,
  detail: Record<string, unknown>,
  edit: DocumentEdit,
) {
  if (!isUuid(estateId)) {
    return { kind: 'NOT_FOUND' as const, id: estateId, message: `no estate with id ${estateId}` };
  }
  return outcome(
    ctx,
    await changeEstate(ctx.db, ctx.principal, { estateId, expectedRevision, action, detail, edit }),
  );
}

const revisionArg = (t: Parameters<Parameters<typeof builder.mutationFields>[0]>[0]) =>
  t.arg.int({
    required: true,
    description: 'The revision the change was made against; a stale one is refused with StaleRevisionError.',
  });

builder.mutationType({
  description: 'Changes. Each needs a `write` key (deleting an estate needs `admin`) and is audited.',
  fields: (t) => ({
    importEstate: t.field({
      type: ImportEstateResultRef,
      description:
        'Stores a new estate from an estate-v1 document (YAML or JSON). An invalid document stores nothing and ' +
        'returns every error with its path.',
      args: {
        content: t.arg.string({ required: true, description: 'The document text.' }),
        format: t.arg({ type: EstateFormatEnum, required: true, description: 'Its syntax.' }),
      },
      resolve: async (_root, args, ctx) =>
        // An import can only be refused for validation: there is no revision or id yet.
        outcome(ctx, await importEstate(ctx.db, ctx.principal, args.content, args.format)) as
          | EstateSuccess
          | Extract<ChangeRefusal, { kind: 'VALIDATION' }>,
    }),
    addWorkload: t.field({
      type: EstateChangeResultRef,
      description: 'Adds a workload to an estate.',
      args: {
        estateId: t.arg.id({ required: true, description: 'Estate id.' }),
        expectedRevision: revisionArg(t),
        workload: t.arg({ type: WorkloadInput, required: true, description: 'The new workload.' }),
      },
      resolve: (_root, args, ctx) => {
        const entry = toDocumentFields(args.workload, false);
        return change(
          ctx,
          String(args.estateId),
          args.expectedRevision,
          'WORKLOAD_ADDED',
          { workload: entry },
          addEntry('workloads', entry),
        );
      },
    }),
    changeWorkload: t.field({
      type: EstateChangeResultRef,
      description: 'Changes fields of a workload.',
      args: {
        estateId: t.arg.id({ required: true, description: 'Estate id.' }),
        expectedRevision: revisionArg(t),
        id: t.arg.string({ required: true, description: 'Workload id.' }),
        changes: t.arg({ type: WorkloadChangesInput, required: true, description: 'What to change.' }),
      },
      resolve: (_root, args, ctx) => {
        const changes = toDocumentFields(args.changes, true);
        return change(
          ctx,
          String(args.estateId),
          args.expectedRevision,
          'WORKLOAD_CHANGED',
          { id: args.id, changes },
          changeEntry('workloads', args.id, changes),
        );
      },
    }),
    removeWorkload: t.field({
      type: EstateChangeResultRef,
      description: 'Removes a workload (refused while other workloads depend on it).',
      args: {
        estateId: t.arg.id({ required: true, description: 'Estate id.' }),
        expectedRevision: revisionArg(t),
        id: t.arg.string({ required: true, description: 'Workload id.' }),
      },
      resolve: (_root, args, ctx) =>
        change(
          ctx,
          String(args.estateId),
          args.expectedRevision,
          'WORKLOAD_REMOVED',
          { id: args.id },
          removeEntry('workloads', args.id),
        ),
    }),
    addHost: t.field({
      type: EstateChangeResultRef,
      description: 'Adds a host entry (one or `count` identical machines).',
      args: {
        estateId: t.arg.id({ required: true, description: 'Estate id.' }),
        expectedRevision: revisionArg(t),
        host: t.arg({ type: HostInput, required: true, description: 'The new host entry.' }),
      },
      resolve: (_root, args, ctx) => {
        const entry = toDocumentFields(args.host, false);
        return change(
          ctx,
          String(args.estateId),
          args.expectedRevision,
          'HOST_ADDED',
          { host: entry },
          addEntry('hosts', entry),
        );
      },
    }),
    changeHost: t.field({
      type: EstateChangeResultRef,
      description: 'Changes fields of a host entry.',
      args: {
        estateId: t.arg.id({ required: true, description: 'Estate id.' }),
        expectedRevision: revisionArg(t),
        id: t.arg.string({ required: true, description: 'Host entry id (`hosts[].id`).' }),
        changes: t.arg({ type: HostChangesInput, required: true, description: 'What to change.' }),
      },
      resolve: (_root, args, ctx) => {
        const changes = toDocumentFields(args.changes, true);
        return change(
          ctx,
          String(args.estateId),
          args.expectedRevision,
          'HOST_CHANGED',
          { id: args.id, changes },
          changeEntry('hosts', args.id, changes),
        );
      },
    }),
    removeHost: t.field({
      type: EstateChangeResultRef,
      description: 'Removes a host entry (refused while workloads name its machines as their current host).',
      args: {
        estateId: t.arg.id({ required: true, description: 'Estate id.' }),
        expectedRevision: revisionArg(t),
        id: t.arg.string({ required: true, description: 'Host entry id.' }),
      },
      resolve: (_root, args, ctx) =>
        change(
          ctx,
          String(args.estateId),
          args.expectedRevision,
          'HOST_REMOVED',
          { id: args.id },
          removeEntry('hosts', args.id),
        ),
    }),
    deleteEstate: t.field({
      type: DeleteEstateResultRef,
      description: 'Deletes an estate with its plans and DR evaluations. Needs an `admin` key.',
      args: {
        id: t.arg.id({ required: true, description: 'Estate id.' }),
        expectedRevision: revisionArg(t),
      },
      resolve: async (_root, args, ctx) => {
        if (ctx.principal.scope !== 'admin') {
          throw new GraphQLError(
            `the key's scope (${ctx.principal.scope}) does not allow deleting estates: it needs admin`,
            {
              extensions: { code: 'FORBIDDEN' },
            },
          );
        }
        const id = String(args.id);
        if (!isUuid(id)) return { kind: 'NOT_FOUND' as const, id, message: `no estate with id ${id}` };
        const result = await deleteEstate(ctx.db, ctx.principal, id, args.expectedRevision);
        ctx.loaders.clearAll();
        ctx.estateCache.delete(`${ctx.principal.organizationId}/${id}`);
        return result.ok ? { kind: 'DELETED' as const, id } : result.refusal;
      },
    }),
  }),
});
