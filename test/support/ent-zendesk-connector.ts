import { RawHttp, RawResponse } from './raw-http';

/**
 * The ENT support module's Zendesk connector, as `../shared/notes/ent-escalation.md`
 * describes it, played against Relais over HTTP: the same calls, bodies,
 * headers and the same reading of the answers (which comments it imports,
 * which status it takes, which files it downloads). Written from the notes,
 * not from Relais's code: what it concludes is what a stock ENT would.
 */

/** ENT ticket statuses. */
export const ENT = { new: 1, opened: 2, resolved: 3, closed: 4, waiting: 5 } as const;
export type EntStatus = (typeof ENT)[keyof typeof ENT];

/** Zendesk → ENT, as the connector maps it. */
const FROM_ZENDESK: Record<string, EntStatus> = { new: 2, open: 2, hold: 2, pending: 5, solved: 3, closed: 4, deleted: 4 };
/** ENT → Zendesk, what the connector sends. */
const TO_ZENDESK: Record<EntStatus, string> = { 1: 'new', 2: 'open', 5: 'open', 3: 'solved', 4: 'solved' };

export interface EntFile {
  name: string;
  contentType: string;
  data: Buffer;
}

export interface EntComment {
  id: number;
  ownerName: string;
  content: string;
  created: string;
}

/** An ENT ticket, with what the ENT knows of its escalation. */
export interface EntTicket {
  id: number;
  subject: string;
  description: string;
  ownerName: string;
  ownerMobile: string | null;
  schoolName: string;
  schoolUai: string | null;
  status: EntStatus;
  comments: EntComment[];
  attachments: EntFile[];
  /** Set once escalated. */
  issueId?: number;
  /** The bug tracker's attachment ids the ENT holds (its uploads, then what it downloaded). */
  bugTrackerAttachments: number[];
  /** The remote comments the ENT imported into its ticket's history, in order. */
  imported: { id: number; html: string }[];
  /** Files it downloaded from the remote comments. */
  downloaded: { id: number; name: string; data: Buffer }[];
}

export interface ConnectorConf {
  /** `zendesk-remote.headers.Authorization`. */
  authorization: string;
  /** `zendesk-escalation-conf`: custom field ids. */
  fields: { user_name: number; gestionnaire_name: number; user_phone: number; ticket_id: number; school_name: number; school_uai: number };
  comment_author_user_id: number;
  /** Where Relais serves the routes (the ENT itself calls the host's root). */
  basePath?: string;
}

export function entTicket(id: number, overrides: Partial<EntTicket> = {}): EntTicket {
  return {
    id,
    subject: 'Le blog de la classe affiche une erreur',
    description: 'Depuis lundi, le blog de CE2 affiche « erreur 500 » pour tous les parents.\nMerci de regarder.',
    ownerName: 'Julien Moreau',
    ownerMobile: '0601020304',
    schoolName: 'École élémentaire Jean-Moulin',
    schoolUai: '0999001A',
    status: ENT.opened,
    comments: [],
    attachments: [],
    bugTrackerAttachments: [],
    imported: [],
    downloaded: [],
    ...overrides,
  };
}

/** The connector's html_body: an author header when the comment has an owner, line breaks as <br/>. */
function htmlBody(content: string, ownerName: string | null): string {
  const text = content.trim() === '' ? "L'utilisateur n'a pas renseigné de commentaire" : content;
  return (ownerName ? `Auteur : ${ownerName}\n\n${text}` : text).split('\n').join('<br/>');
}

/** The connector's date format, `yyyy-MM-dd'T'HH:mm:ss'Z'` in UTC; what does not parse counts as 0. */
function epochOf(date: string | undefined): number {
  const m = date ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z/.exec(date) : null;
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000 : 0;
}

interface ZendeskComment {
  id: number;
  html_body: string;
  created_at: string;
  public?: boolean;
  metadata?: { flags?: number[] };
  via?: { channel?: string };
  attachments?: { id: number; file_name: string; content_url: string }[];
}

export class EntZendeskConnector {
  /** Every exchange, in order: what the ENT sent and got back. */
  readonly calls: { method: string; path: string; status: number }[] = [];
  lastPullEpoch = 0;
  /** The pages of the last pull loop. */
  pages: { start: number; count: number; endTime: number; endOfStream: boolean }[] = [];

  constructor(
    private readonly http: RawHttp,
    private readonly conf: ConnectorConf,
    private readonly now: () => Date,
    private readonly tickets: EntTicket[] = [],
  ) {}

  private async call(method: string, path: string, options: { contentType?: string; body?: Buffer } = {}): Promise<RawResponse> {
    const headers: Record<string, string> = { Authorization: this.conf.authorization };
    if (options.contentType !== undefined) headers['Content-Type'] = options.contentType;
    const res = await this.http.send({ method, path: `${this.conf.basePath ?? ''}${path}`, headers, body: options.body });
    this.calls.push({ method, path, status: res.status });
    return res;
  }

  private static json(res: RawResponse): Record<string, unknown> {
    return JSON.parse(res.body.toString('utf8'));
  }

  /** "Transmettre au support ENT": uploads, the ticket, then its comments one by one, then reads the issue back. */
  async escalate(ticket: EntTicket): Promise<void> {
    const tokens: string[] = [];
    for (const file of ticket.attachments) {
      // The connector puts the name in the query (accents stripped; encoded here, a raw space is not valid HTTP) and sends the bytes with the file's type.
      const res = await this.call('POST', `/api/v2/uploads.json?filename=${encodeURIComponent(file.name)}`, { contentType: file.contentType, body: file.data });
      if (res.status !== 201) throw new Error(`upload refused: ${res.status} ${res.body}`);
      const upload = EntZendeskConnector.json(res).upload as { token: string; attachment: { id: number } };
      tokens.push(upload.token);
      ticket.bugTrackerAttachments.push(upload.attachment.id);
    }
    const f = this.conf.fields;
    const body = {
      ticket: {
        subject: ticket.subject,
        comment: { html_body: htmlBody(ticket.description, ticket.ownerName), author_id: this.conf.comment_author_user_id, type: 'Comment', uploads: tokens },
        custom_fields: [
          { id: f.user_name, value: ticket.ownerName },
          { id: f.gestionnaire_name, value: 'Claire Dubois' },
          { id: f.ticket_id, value: ticket.id },
          { id: f.user_phone, value: ticket.ownerMobile },
          { id: f.school_name, value: ticket.schoolName },
          { id: f.school_uai, value: ticket.schoolUai },
        ],
      },
    };
    const res = await this.call('POST', '/api/v2/tickets.json', { contentType: 'application/json', body: Buffer.from(JSON.stringify(body)) });
    if (res.status !== 201) throw new Error(`escalation refused: ${res.status} ${res.body}`);
    const created = EntZendeskConnector.json(res).ticket as { id: number; status: string };
    ticket.issueId = created.id;
    for (const comment of ticket.comments) {
      await this.put(ticket, { id: comment.id, created_at: comment.created, html_body: htmlBody(comment.content, comment.ownerName), author_id: this.conf.comment_author_user_id, type: 'Comment' }, created.status);
    }
    await this.readIssue(ticket);
    if (!this.tickets.includes(ticket)) this.tickets.push(ticket);
  }

  /** A comment written in the ENT on an escalated ticket (its own rules first: a comment reopens a resolved ticket). */
  async comment(ticket: EntTicket, author: string, text: string): Promise<RawResponse> {
    if (ticket.status === ENT.resolved || ticket.status === ENT.closed) ticket.status = ENT.opened;
    return this.put(ticket, { html_body: htmlBody(`Auteur : ${author}\n${text}`, null), author_id: this.conf.comment_author_user_id, type: 'Comment' }, TO_ZENDESK[ticket.status]);
  }

  /** A status changed in the ENT, without a comment: the connector still sends one, with its "no comment" text. */
  async changeStatus(ticket: EntTicket, status: EntStatus, author: string): Promise<RawResponse> {
    ticket.status = status;
    return this.put(ticket, { html_body: htmlBody(`Auteur : ${author}\n${"L'utilisateur n'a pas renseigné de commentaire"}`, null), author_id: this.conf.comment_author_user_id, type: 'Comment' }, TO_ZENDESK[status]);
  }

  /** `PUT /api/v2/tickets/{id}`, labelled UTF-16 while its bytes are UTF-8, as the connector sends it. */
  async put(ticket: EntTicket, comment: Record<string, unknown>, status: string): Promise<RawResponse> {
    const body = { ticket: { id: ticket.issueId, status, comment } };
    const res = await this.call('PUT', `/api/v2/tickets/${ticket.issueId}`, { contentType: 'application/json; charset=utf-16', body: Buffer.from(JSON.stringify(body), 'utf8') });
    if (res.status !== 200) throw new Error(`comment refused: ${res.status} ${res.body}`);
    return res;
  }

  /** After an escalation or a comment: the issue and its public comments, saved as the issue's content. */
  async readIssue(ticket: EntTicket): Promise<{ ticket: Record<string, unknown>; comments: ZendeskComment[] }> {
    const res = await this.call('GET', `/api/v2/tickets/${ticket.issueId}`, { contentType: 'application/json' });
    if (res.status !== 200) throw new Error(`issue not found: ${res.status}`);
    return { ticket: EntZendeskConnector.json(res).ticket as Record<string, unknown>, comments: await this.publicComments(ticket) };
  }

  private async publicComments(ticket: EntTicket): Promise<ZendeskComment[]> {
    const res = await this.call('GET', `/api/v2/tickets/${ticket.issueId}/comments`, { contentType: 'application/json' });
    if (res.status !== 200) throw new Error(`comments not found: ${res.status}`);
    const comments = EntZendeskConnector.json(res).comments as ZendeskComment[];
    const isPrivate = (c: ZendeskComment) => c.public === false || (c.metadata?.flags ?? []).includes(17);
    return comments.filter((c) => !isPrivate(c));
  }

  /** One timer tick of `zendesk-refresh-period`: the incremental pull, page after page, until end_of_stream. */
  async pull(): Promise<void> {
    this.pages = [];
    for (let guard = 0; guard < 1000; guard++) {
      const now = Math.floor(this.now().getTime() / 1000);
      // Never later than 90 s ago (Zendesk does not return the last minute).
      const start = Math.min(this.lastPullEpoch, now - 90);
      const res = await this.call('GET', `/api/v2/incremental/tickets?include=comment_events&start_time=${start}`, { contentType: undefined });
      if (res.status !== 200) throw new Error(`pull refused: ${res.status} ${res.body}`);
      const page = EntZendeskConnector.json(res) as { count: number; end_of_stream: boolean; end_time: number; tickets: { id: number; status: string }[] };
      if (page.count < page.tickets.length) throw new Error('count below the tickets returned: the connector would fail');
      this.pages.push({ start, count: page.count, endTime: page.end_time, endOfStream: page.end_of_stream });
      if (page.tickets.length === 0) return;
      for (const issue of page.tickets) {
        const ticket = this.tickets.find((t) => t.issueId === issue.id);
        if (ticket) await this.update(ticket, issue.status, start);
      }
      this.lastPullEpoch = page.end_time;
      if (page.end_of_stream) return;
    }
    throw new Error('the pull never reached end_of_stream');
  }

  /** What the connector does with one pulled issue: new files downloaded, its status taken, new comments imported. */
  private async update(ticket: EntTicket, status: string, lastUpdate: number): Promise<void> {
    const comments = await this.publicComments(ticket);
    for (const comment of comments) {
      for (const file of comment.attachments ?? []) {
        if (ticket.bugTrackerAttachments.includes(file.id)) continue;
        const res = await this.call('GET', file.content_url.slice((this.conf.basePath ?? '').length));
        if (res.status !== 200) throw new Error(`download failed: ${res.status}`);
        ticket.bugTrackerAttachments.push(file.id);
        ticket.downloaded.push({ id: file.id, name: file.file_name, data: res.body });
      }
    }
    ticket.status = FROM_ZENDESK[status];
    for (const comment of comments) {
      const html = comment.html_body ?? '';
      const fromEnt = html.includes('<br>') && html.split('<br>')[0].includes('Auteur :');
      if (fromEnt || comment.via?.channel === 'api') continue;
      const posted = epochOf(comment.created_at);
      if (posted > lastUpdate || posted === 0) ticket.imported.push({ id: comment.id, html });
    }
  }
}
