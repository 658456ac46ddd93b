/** What an API key may do. A key carries one or more scopes. */
export const SCOPES = {
  'tickets:read': 'read the tickets the stated end user may see',
  'tickets:write': 'create tickets, add messages and change status on behalf of the stated end user',
  'tickets:read_all': 'read every ticket without stating an end user (back-office tools)',
  'kb:assist': 'ask the knowledge base and record feedback',
  'notifications:manage': 'list undeliverable notifications (dead letters) and retry them',
  'accounts:act': 'run guarded ENT account actions (renewal code, block, unblock, reset, approvals) for the stated person or chat identity',
  'accounts:link': 'create one-time links between chat identities and ENT accounts, list and remove them',
  'accounts:audit': 'read the audit log of account actions',
} as const;

export type Scope = keyof typeof SCOPES;
export const SCOPE_NAMES = Object.keys(SCOPES) as Scope[];

export function isScope(value: string): value is Scope {
  return value in SCOPES;
}
