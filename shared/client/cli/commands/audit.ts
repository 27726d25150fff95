/** `secrets audit`: audit records, oldest first (admin scope). */
import type { AuditPage } from '../../vault-client.ts';
import type { CommandSpec } from '../command.ts';
import { EXIT } from '../exit-codes.ts';

export const audit: CommandSpec = {
  name: 'audit',
  positionals: { min: 0, max: 0 },
  summary: 'show audit records (admin scope): who read, wrote, deleted, restored, when',
  description: `Shows audit records, oldest first, never a value. Across secrets the vault answers at most
31 days: narrow with --secret, --actor or --since.`,
  options: {
    secret: { type: 'string', value: '<name>', help: "one secret's trail" },
    owner: { type: 'string', value: '<user id>', help: 'with --secret: a personal secret of this user' },
    actor: { type: 'string', value: '<id>', help: "one caller's records" },
    since: { type: 'string', value: '<RFC 3339>', help: 'records from this time on' },
    limit: { type: 'string', value: '<N>', help: 'at most N records (default 100)' },
  },
  async run(ctx) {
    const limit = ctx.integer('limit') ?? 100;
    const { client } = await ctx.session();
    const filter = {
      secret: ctx.string('secret'),
      actor: ctx.string('actor'),
      since: ctx.string('since'),
      owner: ctx.string('owner'),
    };
    const records: AuditPage['items'] = [];
    for await (const record of client.auditRecords(filter, { pageSize: Math.max(1, Math.min(limit, 100)) })) {
      if (records.length === limit) {
        ctx.say(
          `more records than --limit ${limit}: narrow with --since, --secret or --actor, or raise --limit`,
        );
        break;
      }
      records.push(record);
    }
    ctx.print(records, ['seq', 'at', 'action', 'outcome', 'secret', 'actor', 'version']);
    return EXIT.ok;
  },
};
