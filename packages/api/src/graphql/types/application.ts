import type { ApplicationReadiness } from '@virtplan/core';
import { builder } from '../builder.ts';
import { FindingRef, ReadinessStatusEnum } from './common.ts';
import { WorkloadRef } from './estate.ts';

export type ApplicationReadinessShape = ApplicationReadiness & { readonly estateId: string };

export const ApplicationReadinessRef = builder
  .objectRef<ApplicationReadinessShape>('ApplicationReadiness')
  .implement({
    description:
      'Whether an application (the workloads sharing an `application` name) can be virtualised: the worst ' +
      'status of its workloads, with all their findings.',
    fields: (t) => ({
      application: t.exposeString('application', { description: 'The application’s name.' }),
      status: t.field({
        type: ReadinessStatusEnum,
        description: 'The worst status among its workloads.',
        resolve: (a) => a.status,
      }),
      findings: t.field({
        type: [FindingRef],
        description: 'Every finding of its workloads (and application-wide findings).',
        resolve: (a) => [...a.findings],
      }),
      workloadIds: t.stringList({ description: 'Ids of its workloads.', resolve: (a) => [...a.workloads] }),
      workloads: t.field({
        type: [WorkloadRef],
        description: 'Its workloads.',
        extensions: { cost: { multiplier: 10 } },
        resolve: async (a, _args, ctx) => {
          const rows = await Promise.all(
            a.workloads.map((id) => ctx.loaders.workload.load({ estateId: a.estateId, id })),
          );
          return rows.filter((r) => r !== null);
        },
      }),
    }),
  });
