import type { MsgHdrs } from '@nats-io/transport-node';
import * as z from 'zod';
import { ACTOR_KINDS, ACTOR_KIND_HEADER, ACTOR_NAME_HEADER, ACTOR_SUBJECT_HEADER, type RecordedActor } from '@books/contracts';
import { InvalidPayloadError } from '../errors/domain.errors';

const ActorHeadersSchema = z.object({
  subject: z.string().regex(/^[\x21-\x7e]{1,255}$/, { error: `${ACTOR_SUBJECT_HEADER} must be 1 to 255 visible ASCII characters` }),
  name: z.string().min(1, { error: `${ACTOR_NAME_HEADER} must not be empty` }).max(200, { error: `${ACTOR_NAME_HEADER} must be at most 200 characters` }),
  kind: z.enum(ACTOR_KINDS, { error: `${ACTOR_KIND_HEADER} must be user or client` }),
});

/**
 * Who asks for a write, from the request's headers (the gateway sets them from a verified
 * access token; a payload never names its actor). No headers: no actor (sign-in off, the
 * seeder). Some but not all, or malformed ones: the request is refused, not recorded wrongly.
 */
export function actorFrom(headers: MsgHdrs | undefined): RecordedActor | undefined {
  const subject = headers?.get(ACTOR_SUBJECT_HEADER) || undefined;
  const name = headers?.get(ACTOR_NAME_HEADER) || undefined;
  const kind = headers?.get(ACTOR_KIND_HEADER) || undefined;
  if (subject === undefined && name === undefined && kind === undefined) return undefined;
  const parsed = ActorHeadersSchema.safeParse({ subject, name, kind });
  if (!parsed.success) throw new InvalidPayloadError(parsed.error.issues.map((issue) => ({ field: 'headers', message: issue.message })));
  return parsed.data;
}
