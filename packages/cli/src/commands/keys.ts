import { createApiKey, isScope, revokeApiKey } from '@virtplan/api';
import { parseCommandArgs } from '../args.ts';
import { type Command, UsageError } from '../io.ts';
import { DB_OPTIONS_HELP, withMigratedDatabase } from './migrate.ts';

export const keysCommand: Command = {
  name: 'keys',
  summary: 'Create or revoke API keys',
  help: `Usage: virtplan keys create --org NAME --scope read|write|admin [--label TEXT] [--data-dir DIR]
       virtplan keys revoke KEY_ID [--data-dir DIR]

create  makes a key for the organization (created when new) and prints it as the last line.
        The key is shown once; only its hash is stored.
revoke  revokes a key by its id (the part after vpk_, before the second _).
${DB_OPTIONS_HELP}`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, {
      org: { type: 'string' },
      scope: { type: 'string' },
      label: { type: 'string' },
      'data-dir': { type: 'string' },
    });
    const action = positionals[0];
    if (action === 'create') {
      if (!values.org?.trim()) throw new UsageError('--org NAME is required');
      const scope = values.scope ?? '';
      if (!isScope(scope)) throw new UsageError(`--scope must be read, write or admin, not '${scope}'`);
      const created = await withMigratedDatabase(values['data-dir'], io, (database) =>
        createApiKey(database.db, { organization: values.org!.trim(), scope, label: values.label ?? '' }),
      );
      io.stderr(`created ${scope} key ${created.id} for organization '${values.org.trim()}' (shown once):\n`);
      io.stdout(`${created.key}\n`);
      return 0;
    }
    if (action === 'revoke') {
      const id = positionals[1];
      if (!id) throw new UsageError('give the key id to revoke');
      const keyId = /^vpk_([A-Za-z0-9]{12})_/.exec(id)?.[1] ?? id;
      const revoked = await withMigratedDatabase(values['data-dir'], io, (database) =>
        revokeApiKey(database.db, keyId),
      );
      if (!revoked) throw new UsageError(`no live key with id ${keyId}`);
      io.stdout(`revoked key ${keyId}\n`);
      return 0;
    }
    throw new UsageError(`unknown action '${action ?? ''}': use create or revoke`);
  },
};
