import { builder } from '../builder.ts';

export const EstateFormatEnum = builder.enumType('EstateFormat', {
  description: 'The syntax of an estate document.',
  values: {
    YAML: { value: 'yaml', description: 'YAML 1.2.' },
    JSON: { value: 'json', description: 'JSON.' },
  } as const,
});

export const ScopeEnum = builder.enumType('Scope', {
  description: 'What an API key may do. Each scope includes the ones before it.',
  values: {
    READ: { value: 'read', description: 'Read estates and computed results.' },
    WRITE: { value: 'write', description: 'Also import and change estates, run plans and DR evaluations.' },
    ADMIN: { value: 'admin', description: 'Also delete estates.' },
  } as const,
});

export const ReadinessStatusEnum = builder.enumType('ReadinessStatus', {
  description: 'Whether a workload (or an application, the worst of its workloads) can become a VM.',
  values: {
    READY: { value: 'READY', description: 'Can be virtualised as it is.' },
    READY_WITH_CONDITIONS: {
      value: 'READY_WITH_CONDITIONS',
      description: 'Can be virtualised once the conditions in its findings are met.',
    },
    UNKNOWN: {
      value: 'UNKNOWN',
      description: 'Not enough is known to decide (vendor support, measurements).',
    },
    NOT_READY: { value: 'NOT_READY', description: 'Must stay physical for now; the findings say why.' },
  } as const,
});

export const SeverityEnum = builder.enumType('Severity', {
  description: 'How much a finding matters.',
  values: {
    CRITICAL: { value: 'critical', description: 'Blocks the change or breaks a requirement.' },
    HIGH: { value: 'high', description: 'Must be dealt with before going ahead.' },
    MEDIUM: { value: 'medium', description: 'Should be dealt with.' },
    LOW: { value: 'low', description: 'Worth knowing.' },
    INFO: { value: 'info', description: 'For information only.' },
  } as const,
});

export const CriticalityEnum = builder.enumType('Criticality', {
  description: 'How much the hospital depends on a workload.',
  values: {
    CRITICAL: { value: 'critical', description: 'Patient care stops without it.' },
    HIGH: { value: 'high', description: 'Patient care is badly hampered without it.' },
    MEDIUM: { value: 'medium', description: 'Work slows down without it.' },
    LOW: { value: 'low', description: 'Can wait.' },
  } as const,
});

export const WorkloadRoleEnum = builder.enumType('WorkloadRole', {
  description: 'What a workload is for.',
  values: {
    PRODUCTION: { value: 'production', description: 'Serves the hospital.' },
    FAILOVER: { value: 'failover', description: 'Stands by to take over from production.' },
    TEST: { value: 'test', description: 'Testing; may be shut down in a disaster.' },
    TRAINING: { value: 'training', description: 'Training; may be shut down in a disaster.' },
  } as const,
});

export const HostRoleEnum = builder.enumType('HostRole', {
  description: 'What a physical machine is.',
  values: {
    HYPERVISOR: { value: 'hypervisor', description: 'May run virtual machines.' },
    LEGACY: { value: 'legacy', description: 'A physical server running one workload today; can be retired.' },
  } as const,
});

export const VendorSupportEnum = builder.enumType('VendorSupport', {
  description: "Whether the software's vendor supports running it virtualised.",
  values: {
    SUPPORTED: { value: 'supported', description: 'Supported as a VM.' },
    CONDITIONAL: { value: 'conditional', description: 'Supported as a VM on conditions.' },
    UNSUPPORTED: { value: 'unsupported', description: 'Not supported as a VM.' },
    UNKNOWN: { value: 'unknown', description: 'Nobody has asked yet.' },
  } as const,
});

export interface IssueShape {
  readonly path: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  readonly line?: number;
}

export const EstateIssueRef = builder.objectRef<IssueShape>('EstateIssue').implement({
  description: 'A problem with an estate document: where it is and what is wrong.',
  fields: (t) => ({
    path: t.exposeString('path', {
      description:
        'Where, as a path into the document such as `workloads[3].memoryGiB`; `(root)` for the whole.',
    }),
    message: t.exposeString('message', { description: 'What is wrong, in a sentence.' }),
    severity: t.string({
      description: '`ERROR` makes the document invalid; `WARNING` (an unknown field, say) does not.',
      resolve: (issue) => issue.severity.toUpperCase(),
    }),
    line: t.int({
      nullable: true,
      description: '1-based line in the source text, when known (YAML syntax errors).',
      resolve: (issue) => issue.line ?? null,
    }),
  }),
});

export interface FindingShape {
  readonly code: string;
  readonly severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  readonly message: string;
  readonly workload?: string;
  readonly application?: string;
  readonly site?: string;
}

export const FindingRef = builder.objectRef<FindingShape>('Finding').implement({
  description: 'One thing a person should know or do, with a stable code they can look up.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Stable identifier of the rule that produced it.' }),
    severity: t.field({
      type: SeverityEnum,
      description: 'How much it matters.',
      resolve: (f) => f.severity,
    }),
    message: t.exposeString('message', { description: 'A sentence a person can act on.' }),
    workload: t.string({
      nullable: true,
      description: 'The workload it is about, if any.',
      resolve: (f) => f.workload ?? null,
    }),
    application: t.string({
      nullable: true,
      description: 'The application it is about, if any.',
      resolve: (f) => f.application ?? null,
    }),
    site: t.string({
      nullable: true,
      description: 'The site it is about, if any.',
      resolve: (f) => f.site ?? null,
    }),
  }),
});
