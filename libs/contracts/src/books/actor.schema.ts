import * as z from 'zod';

/**
 * Who made a change, as the gateway learnt it from a verified access token. Changes made
 * without sign-in (AUTH=off, the seeder) have no actor at all.
 */
export const ACTOR_KINDS = ['user', 'client'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * The actor as the public sees it (events, history): a display name, never the subject, which
 * is an account identifier and stays between the services and admins.
 */
export const ActorSchema = z
  .object({
    name: z.string().min(1).meta({ description: "The display name from the caller's access token (name, preferred_username or sub)." }),
    kind: z.enum(ACTOR_KINDS).meta({ description: '`user` for a person, `client` for a program acting for itself (client credentials).' }),
  })
  .meta({ id: 'Actor', title: 'Actor', description: 'Who made the change; absent for changes made without sign-in.' });
export type Actor = z.output<typeof ActorSchema>;

/** The actor with its subject (`sub`), as the books-service records it and admins see it in a history. */
export interface RecordedActor extends Actor {
  subject: string;
}
