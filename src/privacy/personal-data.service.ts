import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { TicketPrivacy } from '../tickets/ticket-privacy.service';
import { ERASED_PERSON } from './privacy-texts';

/** Who a person is in Relais's tables: their ENT id and what else names them. */
export interface PersonIdentifiers {
  entUserId: string;
  names: string[];
  logins: string[];
  chatIdentities: { channel: string; externalId: string }[];
}

type Rows = Record<string, unknown>[];

/**
 * Every table that may name a person, how a row is theirs (`link`, SQL over
 * the alias `t`, parameters $1 = ENT id, $2 = logins, $3 = chat external ids,
 * $4 = the own ticket ids) beyond a mention anywhere in the row (its JSON
 * text matching the person's names, logins or ids), and the columns an export
 * leaves out (secrets, file contents).
 */
const PERSONAL_TABLES: { table: string; link: string; omit?: string[] }[] = [
  { table: 'people', link: `t.ent_user_id = $1` },
  { table: 'tickets', link: `t.requester_ent_id = $1` },
  { table: 'ticket_messages', link: `t.ticket_id = ANY($4::uuid[]) OR t.author_id = $1` },
  { table: 'ticket_events', link: `t.ticket_id = ANY($4::uuid[]) OR t.actor_id = $1` },
  { table: 'ticket_attachments', link: `t.ticket_id = ANY($4::uuid[])`, omit: ['content'] },
  { table: 'outbox', link: `t.ticket_id = ANY($4::uuid[])` },
  { table: 'zendesk_tickets', link: `t.ticket_id = ANY($4::uuid[])` },
  { table: 'conversations', link: `t.identity_id = ANY($3::text[]) OR t.external_id = ANY($3::text[])` },
  { table: 'conversation_messages', link: `t.conversation_id IN (SELECT id FROM conversations WHERE identity_id = ANY($3::text[]) OR external_id = ANY($3::text[]))` },
  { table: 'ent_accounts', link: `t.ent_user_id = $1`, omit: ['grant_box'] },
  { table: 'chat_links', link: `t.ent_user_id = $1` },
  { table: 'link_requests', link: `t.external_id = ANY($3::text[])`, omit: ['token_digest', 'state_digest'] },
  { table: 'account_approvals', link: `t.requester_ent_user_id = $1 OR t.target_ent_user_id = $1 OR t.target_login = ANY($2::text[])` },
  { table: 'account_action_confirmations', link: `false`, omit: ['token_digest'] },
  { table: 'account_action_usage', link: `false` },
  { table: 'account_audit_log', link: `t.actor_ent_user_id = $1 OR t.target_ent_user_id = $1 OR t.target_login = ANY($2::text[])` },
  { table: 'api_keys', link: `t.person_ent_id = $1`, omit: ['secret_hash'] },
  { table: 'webchat_sessions', link: `t.external_id = ANY($3::text[]) OR t.demo_person = $1 OR t.demo_person = ANY($2::text[])`, omit: ['token_digest'] },
];

/** What an erasure does to each table's rows of the person. */
const ERASURE_ACTION: Record<string, 'remove' | 'anonymise' | 'keep'> = {
  people: 'remove',
  tickets: 'anonymise',
  ticket_messages: 'anonymise',
  ticket_events: 'anonymise',
  ticket_attachments: 'anonymise',
  outbox: 'remove',
  zendesk_tickets: 'anonymise',
  conversations: 'remove',
  conversation_messages: 'remove',
  ent_accounts: 'remove',
  chat_links: 'remove',
  link_requests: 'remove',
  account_approvals: 'remove',
  account_action_confirmations: 'remove',
  account_action_usage: 'remove',
  // The audit of account actions is the académie's proof of who did what to which account: kept (RGPD art. 17.3 b and e).
  account_audit_log: 'keep',
  api_keys: 'anonymise',
  webchat_sessions: 'remove',
};

export interface PersonalDataExport {
  person: PersonIdentifiers;
  generatedAt: string;
  records: Record<string, Rows>;
}

export interface ErasurePreview {
  entUserId: string;
  remove: Record<string, number>;
  anonymise: Record<string, number>;
  keep: Record<string, number>;
  /** Sent back to run the erasure: it is refused when what it would do has changed since. */
  confirmation: string;
}

export interface ErasureResult {
  taskId: string;
  at: string;
  counts: Record<string, number>;
  kept: Record<string, number>;
}

/** `text` matched literally inside a PostgreSQL regular expression. */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function unique(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.trim().length >= 3))];
}

/** What names the person in free text: their ENT id always, names, logins and chat ids of three characters or more. */
function needlesOf(person: PersonIdentifiers): string[] {
  return [...new Set([person.entUserId, ...unique([...person.names, ...person.logins, ...person.chatIdentities.map((c) => c.externalId)])])];
}

/**
 * The person's rights over their data: access (one JSON document of every
 * record naming them) and erasure (a preview, then one transaction; their
 * tickets anonymised through the tickets module, other people's tickets
 * keeping their history with the person replaced by a placeholder; the task
 * recorded with counts only).
 */
@Injectable()
export class PersonalData {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tickets: TicketPrivacy,
    private readonly clock: Clock,
  ) {}

  async identify(entUserId: string, m: EntityManager = this.db.manager): Promise<PersonIdentifiers> {
    const rows: { name: string | null; login: string | null }[] = await m.query(
      `SELECT display_name AS name, login FROM people WHERE ent_user_id = $1
       UNION SELECT requester_name, requester_login FROM tickets WHERE requester_ent_id = $1
       UNION SELECT display_name, login FROM ent_accounts WHERE ent_user_id = $1
       UNION SELECT display_name, NULL FROM chat_links WHERE ent_user_id = $1
       UNION SELECT author_name, NULL FROM ticket_messages WHERE author_id = $1
       UNION SELECT actor_name, NULL FROM ticket_events WHERE actor_id = $1 AND actor_kind <> 'system'`,
      [entUserId],
    );
    const links: { channel: string; external_id: string }[] = await m.query(`SELECT channel, external_id FROM chat_links WHERE ent_user_id = $1`, [entUserId]);
    if (!rows.length && !links.length) throw new DomainError('PERSON_NOT_FOUND', `No record names the ENT user ${entUserId}.`);
    return {
      entUserId,
      names: unique(rows.map((r) => r.name)),
      logins: unique(rows.map((r) => r.login)),
      chatIdentities: links.map((l) => ({ channel: l.channel, externalId: l.external_id })),
    };
  }

  async export(entUserId: string): Promise<PersonalDataExport> {
    const person = await this.identify(entUserId);
    const records = await this.recordsOf(this.db.manager, person);
    return { person, generatedAt: this.clock.now().toISOString(), records };
  }

  async preview(entUserId: string, m: EntityManager = this.db.manager): Promise<ErasurePreview> {
    const person = await this.identify(entUserId, m);
    const records = await this.recordsOf(m, person);
    const preview: Omit<ErasurePreview, 'confirmation'> = { entUserId, remove: {}, anonymise: {}, keep: {} };
    for (const [table, rows] of Object.entries(records)) if (rows.length) preview[ERASURE_ACTION[table]][table] = rows.length;
    const confirmation = createHash('sha256').update(JSON.stringify(preview)).digest('hex').slice(0, 32);
    return { ...preview, confirmation };
  }

  /** Runs the erasure previewed with `confirmation`, in one transaction; `requestedBy` names the caller (an API key, the CLI), never the person. */
  async erase(entUserId: string, confirmation: string, requestedBy: string): Promise<ErasureResult> {
    return this.db.transaction(async (m) => {
      const preview = await this.preview(entUserId, m);
      if (preview.confirmation !== confirmation) {
        throw new DomainError('ERASURE_PREVIEW_OUTDATED', 'What the erasure would do has changed since the preview: preview it again.');
      }
      const person = await this.identify(entUserId, m);
      const now = this.clock.now();
      const counts: Record<string, number> = {};
      const add = (key: string, n: number) => {
        if (n) counts[key] = (counts[key] ?? 0) + n;
      };
      const run = async (sql: string, params: unknown[]) => Number((await m.query(`WITH changed AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM changed`, params))[0].n);
      const needles = needlesOf(person);
      const mention = needles.map(escapeRegex).join('|');
      const jsonMention = needles.map((n) => escapeRegex(JSON.stringify(n).slice(1, -1))).join('|');
      const chatIds = person.chatIdentities.map((c) => c.externalId);

      const own: string[] = (await m.query(`SELECT id FROM tickets WHERE requester_ent_id = $1 FOR UPDATE`, [entUserId])).map((r: { id: string }) => r.id);
      add('outbox', await run(`DELETE FROM outbox WHERE ticket_id = ANY($1::uuid[]) OR address::text ~* $2`, [own, jsonMention]));
      add('zendesk_tickets', await run(`UPDATE zendesk_tickets SET custom_fields = regexp_replace(custom_fields::text, $1, $2, 'gi')::jsonb WHERE custom_fields::text ~* $1`, [jsonMention, ERASED_PERSON]));
      const ownCounts = await this.tickets.anonymiseTickets(m, own, { person: ERASED_PERSON, text: ERASED_PERSON }, now);
      const mentionCounts = await this.tickets.replaceMentions(m, needles, ERASED_PERSON);
      add('tickets', ownCounts.tickets + mentionCounts.tickets);
      add('ticket_messages', ownCounts.messages + mentionCounts.messages);
      add('ticket_events', ownCounts.events + mentionCounts.events);
      add('ticket_attachments', ownCounts.attachments + mentionCounts.attachments);
      // Their conversations go whole; the messages go with them (ON DELETE CASCADE), counted first.
      add('conversation_messages', Number((await m.query(
        `SELECT count(*)::int AS n FROM conversation_messages WHERE conversation_id IN (SELECT id FROM conversations WHERE identity_id = ANY($1::text[]) OR external_id = ANY($1::text[]) OR to_jsonb(conversations)::text ~* $2)`,
        [chatIds, jsonMention],
      ))[0].n));
      add('conversations', await run(`DELETE FROM conversations WHERE identity_id = ANY($1::text[]) OR external_id = ANY($1::text[]) OR to_jsonb(conversations)::text ~* $2`, [chatIds, jsonMention]));
      add('conversation_messages', await run(`UPDATE conversation_messages SET text = regexp_replace(text, $1, $2, 'gi') WHERE text ~* $1`, [mention, ERASED_PERSON]));
      add('link_requests', await run(`DELETE FROM link_requests WHERE external_id = ANY($1::text[]) OR to_jsonb(link_requests)::text ~* $2`, [chatIds, jsonMention]));
      add('chat_links', await run(`DELETE FROM chat_links WHERE ent_user_id = $1 OR to_jsonb(chat_links)::text ~* $2`, [entUserId, jsonMention]));
      add('ent_accounts', await run(`DELETE FROM ent_accounts WHERE ent_user_id = $1`, [entUserId]));
      add('account_approvals', await run(`DELETE FROM account_approvals WHERE requester_ent_user_id = $1 OR target_ent_user_id = $1 OR to_jsonb(account_approvals)::text ~* $2`, [entUserId, jsonMention]));
      add('account_action_confirmations', await run(`DELETE FROM account_action_confirmations WHERE to_jsonb(account_action_confirmations)::text ~* $1`, [jsonMention]));
      add('account_action_usage', await run(`DELETE FROM account_action_usage WHERE to_jsonb(account_action_usage)::text ~* $1`, [jsonMention]));
      // A personal key of an erased person acts for nobody: revoked, its link to them cut.
      add('api_keys', await run(`UPDATE api_keys SET person_ent_id = NULL, revoked_at = COALESCE(revoked_at, $2) WHERE person_ent_id = $1`, [entUserId, now]));
      add('webchat_sessions', await run(`DELETE FROM webchat_sessions WHERE external_id = ANY($1::text[]) OR demo_person = ANY($2::text[]) OR to_jsonb(webchat_sessions)::text ~* $3`, [chatIds, needles, jsonMention]));
      add('people', await run(`DELETE FROM people WHERE ent_user_id = $1`, [entUserId]));

      const taskId = randomUUID();
      await m.query(`INSERT INTO privacy_tasks (id, kind, requested_by, at, counts) VALUES ($1, 'erasure', $2, $3, $4)`, [taskId, requestedBy, now, JSON.stringify(counts)]);
      return { taskId, at: now.toISOString(), counts, kept: preview.keep };
    });
  }

  /** The rows of each personal table that are the person's or mention them. */
  private async recordsOf(m: EntityManager, person: PersonIdentifiers): Promise<Record<string, Rows>> {
    const needles = needlesOf(person);
    const jsonMention = needles.map((n) => escapeRegex(JSON.stringify(n).slice(1, -1))).join('|');
    const own: string[] = (await m.query(`SELECT id FROM tickets WHERE requester_ent_id = $1`, [person.entUserId])).map((r: { id: string }) => r.id);
    const params = [person.entUserId, person.logins, person.chatIdentities.map((c) => c.externalId), own, jsonMention];
    const records: Record<string, Rows> = {};
    for (const { table, link, omit = [] } of PERSONAL_TABLES) {
      const row = omit.reduce((sql, column) => `${sql} - '${column}'`, 'to_jsonb(t)');
      const rows: { row: Record<string, unknown> }[] = await m.query(
        // The typed parameters come first: each table's clause uses only some of them.
        `WITH person AS (SELECT $1::text, $2::text[], $3::text[], $4::uuid[], $5::text)
         SELECT ${row} AS row FROM ${table} t WHERE (${link}) OR (${row})::text ~* $5`,
        params,
      );
      records[table] = rows.map((r) => r.row);
    }
    return records;
  }
}
