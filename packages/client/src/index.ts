export {
  type ApplicationReadiness,
  type CallOptions,
  type ClientOptions,
  type ConsolidationPlan,
  createClient,
  type DrEvaluation,
  type EstateSummary,
  type EstatesOptions,
  type EvaluateDrOptions,
  type ImportEstateResult,
  type RequestArguments,
  type VirtplanClient,
} from './client.ts';
export type {
  AnyDocument,
  DocumentNodeLike,
  DocumentTypeDecoration,
  OperationType,
  ResultOf,
  TypedDocument,
  VariablesOf,
  VirtplanDocument,
} from './document.ts';
export {
  type GraphQLErrorEntry,
  isVirtplanClientError,
  VirtplanClientError,
  type VirtplanClientErrorDetails,
  type VirtplanClientErrorKind,
} from './errors.ts';
export * from './generated/operations.gen.ts';
export type { RetryOptions } from './retry.ts';
export type { FetchLike, RequestOptions, TransportOptions } from './transport.ts';
