/** What an API key may do. A key carries one or more scopes. */
export const SCOPES = {
  'tickets:read': 'read the tickets the stated end user may see',
  'tickets:write': 'create tickets, add messages and change status on behalf of the stated end user',
  'tickets:read_all': 'read every ticket without stating an end user (back-office tools)',
  'kb:assist': 'ask the knowledge base and record feedback',
  'notifications:manage': 'list undeliverable notifications (dead letters) and retry them',
  act_as: 'act for the ENT user named in X-On-Behalf-Of (the key may be limited to a school, a circonscription or an académie)',
  'accounts:act': 'run guarded ENT account actions (renewal code, block, unblock, reset, approvals) for the person the call acts for (with act_as: X-On-Behalf-Of or X-Chat-Identity)',
  'accounts:link': 'create one-time links between chat identities and ENT accounts, list and remove them',
  'accounts:audit': 'read the audit log of account actions',
  'privacy:export': 'export every record that names one person (the right of access), as one JSON document',
  'privacy:erase': 'preview and run the erasure of one person (the right to erasure); final, recorded without personal data',
  'ent:escalate': "the ENT support module's Zendesk connector: escalate tickets to Relais and follow them (the Zendesk-compatible routes only)",
} as const;

export type Scope = keyof typeof SCOPES;
export const SCOPE_NAMES = Object.keys(SCOPES) as Scope[];

export function isScope(value: string): value is Scope {
  return value in SCOPES;
}

/** Where an act_as key may act: the tickets of one school (structure id), one circonscription or one académie (codes). */
export interface ActAsWithin {
  kind: 'school' | 'circonscription' | 'academy';
  id: string;
}
