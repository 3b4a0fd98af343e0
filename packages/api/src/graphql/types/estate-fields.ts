import type { ApplicationReadiness } from '@virtplan/core';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../../services/pagination.ts';
import { loadDocument, readinessOf } from '../../services/readiness.ts';
import { builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../builder.ts';
import { ApplicationReadinessRef } from './application.ts';
import { AuditEntryRef } from './audit.ts';
import { EstateFormatEnum } from './common.ts';
import { DrEvaluationRef } from './dr.ts';
import { EstateRef, HostRef, LinkRef, rejectBackwardPaging, SiteRef, WorkloadRef } from './estate.ts';
import { ConsolidationPlanRef } from './plan.ts';
import { PoliciesRef, type PoliciesShape } from './policies.ts';

const ProvenanceRef = builder
  .objectRef<{ source: string; dataConfidence: number; notes: string[] }>('Provenance')
  .implement({
    description: 'Where an estate came from and how much of its sizing was measured.',
    fields: (t) => ({
      source: t.exposeString('source', { description: '`estate-file` or `rvtools`.' }),
      dataConfidence: t.exposeFloat('dataConfidence', {
        description: '0..1: share of the sizing figures that were measured rather than assumed.',
      }),
      notes: t.exposeStringList('notes', {
        description: 'What an import left out, defaulted or guessed.',
      }),
    }),
  });

const ReadinessSummaryRef = builder
  .objectRef<Readonly<Record<'READY' | 'READY_WITH_CONDITIONS' | 'UNKNOWN' | 'NOT_READY', number>>>(
    'ReadinessSummary',
  )
  .implement({
    description: 'How many workloads have each readiness status.',
    fields: (t) => ({
      ready: t.int({ description: 'Workloads READY.', resolve: (s) => s.READY }),
      readyWithConditions: t.int({
        description: 'Workloads READY_WITH_CONDITIONS.',
        resolve: (s) => s.READY_WITH_CONDITIONS,
      }),
      unknown: t.int({ description: 'Workloads UNKNOWN.', resolve: (s) => s.UNKNOWN }),
      notReady: t.int({ description: 'Workloads NOT_READY.', resolve: (s) => s.NOT_READY }),
    }),
  });

EstateRef.implement({
  description:
    'A hospital’s servers, sites and policies, as imported from an estate-v1 document and changed since. ' +
    'Every change bumps `revision`; results computed from a revision say which one.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Unique id.' }),
    name: t.exposeString('name', { description: 'The estate’s name, from its document.' }),
    revision: t.exposeInt('revision', {
      description:
        'Starts at 1 and grows by one with every change; pass it as `expectedRevision` to change it.',
    }),
    sourceFormat: t.field({
      type: EstateFormatEnum,
      description: 'The format it was imported from.',
      resolve: (e) => e.sourceFormat as 'yaml',
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was imported.',
      resolve: (e) => e.createdAt,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      description: 'When it last changed.',
      resolve: (e) => e.updatedAt,
    }),
    provenance: t.field({
      type: ProvenanceRef,
      description: 'Where it came from and how much of it was measured.',
      resolve: (e) => e.provenance as { source: string; dataConfidence: number; notes: string[] },
    }),
    document: t.string({
      description:
        'The current estate-v1 document, as JSON (every change applied). Re-importing it gives this estate.',
      resolve: async (e, _args, ctx) => JSON.stringify(await loadDocument(ctx, e.id)),
    }),
    sourceText: t.string({
      description: 'The text exactly as first imported.',
      resolve: async (e, _args, ctx) => (await ctx.loaders.document.load(e.id))?.sourceText ?? '',
    }),
    sites: t.field({
      type: [SiteRef],
      description: 'Sites, in file order.',
      resolve: (e, _args, ctx) => ctx.loaders.sitesOf.load(e.id),
    }),
    links: t.field({
      type: [LinkRef],
      description: 'Links between sites, in file order.',
      resolve: (e, _args, ctx) => ctx.loaders.linksOf.load(e.id),
    }),
    hosts: t.field({
      type: [HostRef],
      description: 'Physical machines (host entries expanded by count), in file order.',
      resolve: (e, _args, ctx) => ctx.loaders.hostsOf.load(e.id),
    }),
    policies: t.field({
      type: PoliciesRef,
      description: 'Consolidation and DR policies, defaults filled in.',
      resolve: async (e, _args, ctx) => {
        const row = await ctx.loaders.policiesOf.load(e.id);
        if (!row) throw new Error(`estate ${e.id} has no policies row`);
        return { consolidation: row.consolidation, dr: row.dr } as PoliciesShape;
      },
    }),
    workload: t.field({
      type: WorkloadRef,
      nullable: true,
      description: 'One workload by id, or null.',
      args: { id: t.arg.string({ required: true, description: 'Workload id.' }) },
      resolve: (e, args, ctx) => ctx.loaders.workload.load({ estateId: e.id, id: args.id }),
    }),
    workloads: t.connection(
      {
        type: WorkloadRef,
        description: 'Workloads in id order, a page at a time.',
        args: {
          application: t.arg.string({ required: false, description: 'Only workloads of this application.' }),
        },
        extensions: { cost: { connection: true } },
        resolve: async (e, args, ctx) => {
          rejectBackwardPaging(args);
          const limit = pageSize(args.first, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
          const after = decodeCursor('workload', args.after);
          const rows = await ctx.loaders.workloadSlice.load({
            estateId: e.id,
            after,
            limit,
            application: args.application ?? null,
          });
          return {
            ...toPage(rows, limit, (w) => encodeCursor('workload', w.id), after !== null),
            estateId: e.id,
            application: args.application ?? null,
          };
        },
      },
      {
        name: 'WorkloadConnection',
        description: 'A page of workloads.',
        fields: (t) => ({
          totalCount: t.int({
            description: 'Workloads in the whole list (with the same filter).',
            resolve: (c, _args, ctx) =>
              ctx.loaders.workloadCount.load({
                estateId: (c as unknown as { estateId: string }).estateId,
                application: (c as unknown as { application: string | null }).application,
              }),
          }),
        }),
      },
      { name: 'WorkloadEdge', description: 'A workload in a page.' },
    ),
    readinessSummary: t.field({
      type: ReadinessSummaryRef,
      description: 'How many workloads have each readiness status, at the current revision.',
      resolve: async (e, _args, ctx) => (await readinessOf(ctx, e)).summary,
    }),
    dataConfidence: t.exposeFloat('dataConfidence', {
      description: '0..1: share of the sizing figures that were measured rather than assumed.',
    }),
    applications: t.field({
      type: [ApplicationReadinessRef],
      description: 'Readiness of every application, at the current revision, by name.',
      resolve: async (e, _args, ctx) =>
        (await readinessOf(ctx, e)).applications.map((a: ApplicationReadiness) => ({ ...a, estateId: e.id })),
    }),
    plans: t.connection(
      {
        type: ConsolidationPlanRef,
        description: 'Stored consolidation plans, newest first.',
        extensions: { cost: { connection: true } },
        resolve: async (e, args, ctx) => {
          rejectBackwardPaging(args);
          const limit = pageSize(args.first, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
          const after = decodeCursor('plan', args.after);
          const rows = await ctx.loaders.planSlice.load({ estateId: e.id, after, limit });
          return toPage(rows, limit, (p) => encodeCursor('plan', p.seq), after !== null);
        },
      },
      { name: 'ConsolidationPlanConnection', description: 'A page of consolidation plans.' },
      { name: 'ConsolidationPlanEdge', description: 'A plan in a page.' },
    ),
    drEvaluations: t.connection(
      {
        type: DrEvaluationRef,
        description: 'Stored DR evaluations, newest first.',
        extensions: { cost: { connection: true } },
        resolve: async (e, args, ctx) => {
          rejectBackwardPaging(args);
          const limit = pageSize(args.first, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
          const after = decodeCursor('dr', args.after);
          const rows = await ctx.loaders.drSlice.load({ estateId: e.id, after, limit });
          return toPage(rows, limit, (p) => encodeCursor('dr', p.seq), after !== null);
        },
      },
      { name: 'DrEvaluationConnection', description: 'A page of DR evaluations.' },
      { name: 'DrEvaluationEdge', description: 'A DR evaluation in a page.' },
    ),
    auditLog: t.connection(
      {
        type: AuditEntryRef,
        description: 'Every change to the estate, newest first. Read-only: nothing can edit it.',
        extensions: { cost: { connection: true } },
        resolve: async (e, args, ctx) => {
          rejectBackwardPaging(args);
          const limit = pageSize(args.first, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
          const after = decodeCursor('audit', args.after);
          const rows = await ctx.loaders.auditSlice.load({ estateId: e.id, after, limit });
          return toPage(rows, limit, (p) => encodeCursor('audit', p.seq), after !== null);
        },
      },
      { name: 'AuditEntryConnection', description: 'A page of audit entries.' },
      { name: 'AuditEntryEdge', description: 'An audit entry in a page.' },
    ),
  }),
});
