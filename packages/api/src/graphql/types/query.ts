import { and, asc, count, eq, gt } from 'drizzle-orm';
import { estates } from '../../db/schema/index.ts';
import type { EstateSummary } from '../../services/loaders.ts';
import { estateSummaryColumns } from '../../services/loaders.ts';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../../services/pagination.ts';
import { findEstate, notFoundError, readinessOf, requireEstate } from '../../services/readiness.ts';
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../builder.ts';
import { ApplicationReadinessRef } from './application.ts';
import { ScopeEnum } from './common.ts';
import { EstateRef, rejectBackwardPaging } from './estate.ts';

const ViewerRef = builder
  .objectRef<{ organization: string; scope: 'read' | 'write' | 'admin'; keyId: string | null }>('Viewer')
  .implement({
    description: 'Who the request acts as.',
    fields: (t) => ({
      organization: t.exposeString('organization', { description: 'The organization the key belongs to.' }),
      scope: t.field({ type: ScopeEnum, description: 'What the key may do.', resolve: (v) => v.scope }),
      keyId: t.string({
        nullable: true,
        description: 'Public id of the key (null for anonymous demo access).',
        resolve: (v) => v.keyId,
      }),
    }),
  });

builder.queryType({
  description: 'Reads. Every field sees only the caller’s organization.',
  fields: (t) => ({
    viewer: t.field({
      type: ViewerRef,
      description: 'Who the request acts as.',
      resolve: (_root, _args, ctx) => ({
        organization: ctx.principal.organizationName,
        scope: ctx.principal.scope,
        keyId: ctx.principal.keyId,
      }),
    }),
    estate: t.field({
      type: EstateRef,
      nullable: true,
      description: 'An estate by id; null when there is none visible to the caller.',
      args: { id: t.arg.id({ required: true, description: 'Estate id.' }) },
      resolve: (_root, args, ctx) => findEstate(ctx, String(args.id)),
    }),
    estates: t.connection(
      {
        type: EstateRef,
        description: 'The organization’s estates, oldest first.',
        extensions: { cost: { connection: true } },
        resolve: async (_root, args, ctx) => {
          rejectBackwardPaging(args);
          const limit = pageSize(args.first, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
          const after = decodeCursor('estate', args.after);
          const rows: EstateSummary[] = await ctx.db
            .select(estateSummaryColumns)
            .from(estates)
            .where(
              and(
                eq(estates.organizationId, ctx.principal.organizationId),
                after === null ? undefined : gt(estates.seq, Number(after)),
              ),
            )
            .orderBy(asc(estates.seq))
            .limit(limit + 1);
          return toPage(rows, limit, (e) => encodeCursor('estate', e.seq), after !== null);
        },
      },
      {
        name: 'EstateConnection',
        description: 'A page of estates.',
        fields: (c) => ({
          totalCount: c.int({
            description: 'Estates of the organization.',
            resolve: async (_conn, _args, ctx) => {
              const [row] = await ctx.db
                .select({ n: count() })
                .from(estates)
                .where(eq(estates.organizationId, ctx.principal.organizationId));
              return Number(row?.n ?? 0);
            },
          }),
        }),
      },
      { name: 'EstateEdge', description: 'An estate in a page.' },
    ),
    applicationReadiness: t.field({
      type: ApplicationReadinessRef,
      description:
        'Whether an application can be virtualised, at the estate’s current revision: the worst status of its ' +
        'workloads with all their findings. Errors with NOT_FOUND when the estate or application does not exist.',
      args: {
        estateId: t.arg.id({ required: true, description: 'Estate id.' }),
        application: t.arg.string({ required: true, description: 'Application name, as in the workloads.' }),
      },
      resolve: async (_root, args, ctx) => {
        const estate = await requireEstate(ctx, String(args.estateId));
        const report = await readinessOf(ctx, estate);
        const found = report.applications.find((a) => a.application === args.application);
        if (!found) throw notFoundError(`application in estate ${estate.id} named`, args.application);
        return { ...found, estateId: estate.id };
      },
    }),
  }),
});
