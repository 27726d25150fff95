/** `secrets rotation show|set|off`: how and when a shared secret rotates. */
import type { Rotation, RotationSettings } from '../../vault-client.ts';
import type { CommandSpec, Context } from '../command.ts';
import { UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { explaining, notFoundHint } from './hints.ts';

/** The rotator the options describe: --rotator JSON, or the password / random-bytes / lambda shorthands. */
function rotatorOf(ctx: Context): RotationSettings['rotator'] {
  const json = ctx.string('rotator');
  const arn = ctx.string('lambda');
  const kinds = [json !== undefined, ctx.flag('password'), ctx.flag('random-bytes'), arn !== undefined];
  if (kinds.filter(Boolean).length > 1)
    throw new UsageError(
      'choose one rotator: --password, --random-bytes, --lambda <arn> or --rotator <json>',
    );
  if (json !== undefined)
    try {
      return JSON.parse(json) as RotationSettings['rotator'];
    } catch {
      throw new UsageError('--rotator is not valid JSON');
    }
  if (arn !== undefined) return { type: 'lambda', arn };
  const field = ctx.string('field');
  if (ctx.flag('random-bytes')) {
    const bytes = ctx.integer('bytes');
    const encoding = ctx.string('encoding');
    if (encoding !== undefined && encoding !== 'base64' && encoding !== 'hex')
      throw new UsageError('--encoding must be base64 or hex');
    return {
      type: 'random-bytes',
      ...(field !== undefined && { field }),
      ...(bytes !== undefined && { bytes }),
      ...(encoding !== undefined && { encoding }),
    };
  }
  const length = ctx.integer('length');
  return { type: 'password', ...(field !== undefined && { field }), ...(length !== undefined && { length }) };
}

function view(rotation: Rotation): Record<string, unknown> {
  const settings = rotation.rotation;
  return {
    name: rotation.name,
    schedule: settings?.schedule ?? 'none (not rotated)',
    rotator: settings?.rotator ?? null,
    next_rotation: settings?.next_rotation ?? null,
    last_rotated: settings?.last_rotated ?? null,
    last_status: settings?.last_status ?? null,
    last_error: settings?.last_error ?? null,
    ...(rotation.in_progress && { in_progress: rotation.in_progress }),
  };
}

export const rotation: CommandSpec = {
  name: 'rotation',
  args: '<show|set|off> <name>',
  positionals: { min: 2, max: 2 },
  summary: 'show, set or stop how and when a shared secret rotates',
  description: `show: the rotation settings, next run, last result and any rotation in progress.
set: rotate on --schedule ("rate(30 days)" or "cron(0 3 1 * ? *)", EventBridge syntax, UTC) with a
rotator: --password [--field password] [--length 32] (the default), --random-bytes [--field key]
[--bytes 32] [--encoding base64|hex], --lambda <arn>, or --rotator <json> for every setting.
off: stop rotating. \`secrets rotate <name>\` rotates once, now.`,
  options: {
    schedule: { type: 'string', value: '<rate(…)|cron(…)>', help: 'when it rotates (set)' },
    password: { type: 'boolean', help: 'rotator: a new random password in one field (set; the default)' },
    'random-bytes': { type: 'boolean', help: 'rotator: random bytes in one field (set)' },
    lambda: { type: 'string', value: '<arn>', help: 'rotator: your Lambda function (set)' },
    rotator: { type: 'string', value: '<json>', help: 'the whole rotator as JSON (set)' },
    field: { type: 'string', value: '<key>', help: 'the field the generator replaces (set)' },
    length: { type: 'string', value: '<N>', help: 'password length (set --password)' },
    bytes: { type: 'string', value: '<N>', help: 'how many bytes (set --random-bytes)' },
    encoding: { type: 'string', value: 'base64|hex', help: 'how the bytes are written (set --random-bytes)' },
  },
  async run(ctx) {
    const [action, name] = ctx.positionals as [string, string];
    if (action !== 'show' && action !== 'set' && action !== 'off')
      throw new UsageError(`rotation takes show, set or off, not "${action}": see secrets rotation --help`);
    const schedule = ctx.string('schedule');
    if (action === 'set' && schedule === undefined)
      throw new UsageError('rotation set needs --schedule: see secrets rotation --help');
    const settings = action === 'set' ? { schedule: schedule!, rotator: rotatorOf(ctx) } : undefined;
    const { client } = await ctx.session();
    const result = await explaining(
      action === 'show'
        ? client.getRotation(name)
        : action === 'off'
          ? client.stopRotation(name)
          : client.setRotation(name, settings!),
      notFoundHint(name),
    );
    ctx.show(view(result));
    return EXIT.ok;
  },
};
