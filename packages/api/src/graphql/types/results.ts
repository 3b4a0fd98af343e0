import type { EstateIssue } from '@virtplan/core';
import type { ChangeRefusal, EstateRow } from '../../services/estates.ts';
import type { EstateSummary } from '../../services/loaders.ts';
import { builder } from '../builder.ts';
import { EstateIssueRef } from './common.ts';
import { EstateRef } from './estate.ts';

type Validation = Extract<ChangeRefusal, { kind: 'VALIDATION' }>;
type Stale = Extract<ChangeRefusal, { kind: 'STALE_REVISION' }>;
type NotFound = Extract<ChangeRefusal, { kind: 'NOT_FOUND' }>;

export interface EstateSuccess {
  readonly kind: 'SUCCESS';
  readonly estate: EstateSummary | EstateRow;
  readonly warnings: readonly EstateIssue[];
}

const ErrorInterface = builder.interfaceRef<{ message: string }>('DomainError').implement({
  description: 'An expected refusal: nothing was stored, and `message` says why.',
  fields: (t) => ({ message: t.exposeString('message', { description: 'What went wrong, in a sentence.' }) }),
});

export const ValidationErrorRef = builder.objectRef<Validation>('EstateValidationError').implement({
  description: 'The estate document (or the estate after the change) is not valid. Nothing was stored.',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => (v as ChangeRefusal).kind === 'VALIDATION',
  fields: (t) => ({
    issues: t.field({
      type: [EstateIssueRef],
      description: 'Every problem, each with the path of the field.',
      resolve: (v) => [...v.issues],
    }),
  }),
});

export const StaleRevisionErrorRef = builder.objectRef<Stale>('StaleRevisionError').implement({
  description:
    'The estate changed since the caller read it (`expectedRevision` is not the current revision). Nothing was ' +
    'stored: reload the estate and apply the change again.',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => (v as ChangeRefusal).kind === 'STALE_REVISION',
  fields: (t) => ({
    estateId: t.exposeID('estateId', { description: 'The estate.' }),
    expectedRevision: t.exposeInt('expectedRevision', { description: 'The revision the caller gave.' }),
    currentRevision: t.exposeInt('currentRevision', { description: 'The estate’s revision now.' }),
  }),
});

export const NotFoundErrorRef = builder.objectRef<NotFound>('NotFoundError').implement({
  description: 'No estate (or workload or host within it) with that id is visible to the caller.',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => (v as ChangeRefusal).kind === 'NOT_FOUND',
  fields: (t) => ({ id: t.exposeString('id', { description: 'The id asked for.' }) }),
});

export const ImportEstateSuccessRef = builder.objectRef<EstateSuccess>('ImportEstateSuccess').implement({
  description: 'The estate was stored.',
  isTypeOf: (v) => (v as EstateSuccess).kind === 'SUCCESS',
  fields: (t) => ({
    estate: t.field({
      type: EstateRef,
      description: 'The new estate, at revision 1.',
      resolve: (s) => s.estate,
    }),
    warnings: t.field({
      type: [EstateIssueRef],
      description: 'Things that did not make the document invalid (unknown fields...).',
      resolve: (s) => [...s.warnings],
    }),
  }),
});

export const EstateChangedRef = builder.objectRef<EstateSuccess>('EstateChanged').implement({
  description: 'The change was stored and the estate’s revision went up by one.',
  isTypeOf: (v) => (v as EstateSuccess).kind === 'SUCCESS',
  fields: (t) => ({
    estate: t.field({
      type: EstateRef,
      description: 'The estate after the change.',
      resolve: (s) => s.estate,
    }),
    revision: t.int({ description: 'The new revision.', resolve: (s) => s.estate.revision }),
    warnings: t.field({
      type: [EstateIssueRef],
      description: 'Things that did not make the estate invalid.',
      resolve: (s) => [...s.warnings],
    }),
  }),
});

export const EstateDeletedRef = builder
  .objectRef<{ kind: 'DELETED'; id: string }>('EstateDeleted')
  .implement({
    description: 'The estate and everything computed from it were deleted (its audit entries stay).',
    isTypeOf: (v) => (v as { kind: string }).kind === 'DELETED',
    fields: (t) => ({ id: t.exposeID('id', { description: 'The deleted estate’s id.' }) }),
  });

export const ImportEstateResultRef = builder.unionType('ImportEstateResult', {
  description: 'The stored estate, or every validation error with its path.',
  types: [ImportEstateSuccessRef, ValidationErrorRef],
});

export const EstateChangeResultRef = builder.unionType('EstateChangeResult', {
  description: 'The changed estate, or why the change was refused (nothing stored).',
  types: [EstateChangedRef, ValidationErrorRef, StaleRevisionErrorRef, NotFoundErrorRef],
});

export const DeleteEstateResultRef = builder.unionType('DeleteEstateResult', {
  description: 'The estate was deleted, or why not.',
  types: [EstateDeletedRef, StaleRevisionErrorRef, NotFoundErrorRef],
});
