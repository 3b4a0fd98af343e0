import { parseCommandArgs } from '../args.ts';
import { loadEstate } from '../estate-file.ts';
import type { Command } from '../io.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check an estate file against the estate-v1 format',
  help: `Usage: virtplan validate FILE

Checks FILE (YAML, or JSON when it ends in .json) against the estate-v1 format and reports
every error at once, each with the path of the field (workloads[3].memoryGiB: ...).
Exit 0 when valid, 2 when not.`,
  run: async (argv, io) => {
    const { positionals } = parseCommandArgs(argv, {});
    const { estate } = loadEstate(positionals[0], io);
    const hypervisors = estate.machines.filter((m) => m.role === 'hypervisor').length;
    io.stdout(
      `${positionals[0]}: valid estate '${estate.name}': ${estate.sites.length} site(s), ${estate.machines.length} machine(s) (${hypervisors} hypervisor), ${estate.workloads.length} workload(s)\n`,
    );
    return 0;
  },
};
