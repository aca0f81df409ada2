import { ACTOR_KIND_HEADER, ACTOR_NAME_HEADER, ACTOR_SUBJECT_HEADER, type BookHistoryPage } from '@books/contracts';
import { type Caller, hasRole } from './caller';

/** The NATS headers that tell the books-service who asks for a write; none for an anonymous caller (AUTH=off). */
export function actorHeaders(caller: Caller | undefined): Record<string, string> {
  if (!caller) return {};
  return { [ACTOR_SUBJECT_HEADER]: caller.subject, [ACTOR_NAME_HEADER]: caller.name, [ACTOR_KIND_HEADER]: caller.kind };
}

/**
 * The Idempotency-Key the books-service sees: scoped to the signed-in caller, so one caller's
 * key can never answer with (or collide with) another caller's create.
 */
export function scopedIdempotencyKey(key: string | undefined, caller: Caller | undefined): string | undefined {
  return key !== undefined && caller ? `${caller.subject}/${key}` : key;
}

/** A history as the caller may see it: the actor's subject (an account id) for admins only. */
export function historyFor(page: BookHistoryPage, caller: Caller | undefined): BookHistoryPage {
  if (hasRole(caller, 'admin')) return page;
  return {
    ...page,
    items: page.items.map((item) => (item.actor ? { ...item, actor: { name: item.actor.name, kind: item.actor.kind } } : item)),
  };
}
