import { DataSource } from 'typeorm';
import { ChatIdentity } from '../src/admin-actions/actor';
import { ChatOutlets, ChatReply } from '../src/conversations/chat-outlets';
import { ConversationEngine, Turn } from '../src/conversations/conversation-engine.service';
import { DemoIdentities } from '../src/demo/demo-identities.service';
import { SandboxEnt } from '../src/ent/sandbox/sandbox-ent';
import { NotificationsSettle } from '../src/notifications/notifications-settle';
import { TicketCommands } from '../src/tickets/ticket-commands.service';
import { TicketViewers } from '../src/tickets/ticket-viewers.service';
import { eventually } from './support/http-target';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

/** The conversation engine through its own API, as every chat channel drives it (issue 15). */
describe(`conversation engine (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let store: TestStore;
  let t: TestApp;
  const pushed: ChatReply[] = [];

  beforeAll(async () => {
    store = await TestStore.create();
    t = await TestApp.start(store);
    t.app.get(ChatOutlets).register('webchat', (reply) => void pushed.push(reply));
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
  });

  let n = 0;
  /** A fresh web chat conversation, linked to a demo person or anonymous. */
  async function chat(person: string | null) {
    const identity: ChatIdentity = { channel: 'webchat', externalId: `session-${++n}-${person ?? 'visitor'}` };
    if (person) await t.app.get(DemoIdentities).link(identity, person);
    const say = (part: Pick<Turn, 'text' | 'choice'>) => t.app.get(ConversationEngine).handle({ channel: 'webchat', conversation: identity.externalId, identity, ...part });
    return { identity, write: (text: string) => say({ text }), pick: (choice: string) => say({ choice }) };
  }
  const ids = (replies: ChatReply[]) => replies.flatMap((r) => r.choices.map((c) => c.id));
  const text = (replies: ChatReply[]) => replies.map((r) => r.text).join('\n');
  const count = async (sql: string, values: unknown[] = []) => ((await t.app.get(DataSource).query(sql, values)) as { n: number }[])[0].n;
  const staff = async (entUserId: string) => t.app.get(TicketViewers).person(entUserId);
  const settle = () => t.app.get(NotificationsSettle).settle();

  it('answers a question for the person it knows, and records that it helped, with no ticket', async () => {
    const tickets = await count('SELECT count(*)::int AS n FROM tickets');
    const sophie = await chat('demo-parent-jm');
    const answer = await sophie.write("Bonjour, j'ai oublié mon mot de passe pour aller sur l'ENT");
    expect(answer).toEqual([expect.objectContaining({ answer: { intent: 'login.forgot_password' }, ticket: null })]);
    expect(text(answer)).toMatch(/ÉduConnect/);
    expect(ids(answer)).toEqual(['helped', 'not_helped']);
    const thanks = await sophie.pick('helped');
    expect(text(thanks)).toMatch(/^Tant mieux/);
    expect(await count('SELECT count(*)::int AS n FROM kb_feedback WHERE helpful')).toBeGreaterThan(0);
    expect(await count('SELECT count(*)::int AS n FROM tickets')).toBe(tickets);
  });

  it('turns an unsolved question into a ticket in the right queue, and relays what staff say into the conversation', async () => {
    const sophie = await chat('demo-parent-jm');
    await sophie.write("ma fille n'apparaît plus dans sa classe sur l'ENT depuis la rentrée");
    const offer = await sophie.pick('not_helped');
    expect(ids(offer)).toEqual(['ticket:create', 'ticket:cancel']);
    expect(text(offer)).toMatch(/la direction de l'école/);
    const [created] = await sophie.pick('ticket:create');
    expect(created.ticket).toMatchObject({ tier: 'school_director', status: 'new', reference: expect.stringMatching(/^AST-/) });
    const reference = created.ticket!.reference;

    await t.app.get(TicketCommands).addMessage(reference, { body: 'Je vérifie dans ONDE et je reviens vers vous.', visibility: 'public', channel: 'api' }, await staff('demo-director-jm'));
    await t.app.get(TicketCommands).addMessage(reference, { body: 'note pour l’équipe', visibility: 'internal', channel: 'api' }, await staff('demo-director-jm'));
    await settle();
    const mine = () => pushed.filter((r) => r.conversationId === created.conversationId);
    await eventually(() => mine().length >= 1, 10_000, 'the answer relayed');
    expect(mine()[0]).toMatchObject({ text: `Claire Dubois (${reference}) : Je vérifie dans ONDE et je reviens vers vous.`.replace(' :', '\u00a0:'), ticket: null });

    await t.app.get(TicketCommands).transition(reference, { action: 'resolve' }, await staff('demo-director-jm'));
    await settle();
    await eventually(() => mine().length >= 2, 10_000, 'the resolution relayed');
    expect(mine()[1]).toMatchObject({ text: expect.stringContaining('est résolue'), ticket: { reference, status: 'resolved' } });
    // The internal note never reached the requester.
    expect(mine().some((r) => r.text.includes('note pour'))).toBe(false);
  });

  it('lets the person add to their open ticket, see where it stands, and close it', async () => {
    const julien = await chat('demo-teacher-jm');
    const [offer] = await julien.write("Le vidéoprojecteur de ma classe ne s'allume plus depuis ce matin");
    expect(offer.answer).toBeNull();
    const [created] = await julien.pick('ticket:create');
    expect(created.ticket).toMatchObject({ tier: 'erun' });
    const reference = created.ticket!.reference;
    const [adding] = await julien.write("J'ai essayé une autre prise, rien n'y fait.");
    expect(ids([adding])).toEqual(['ticket:add', 'question:new']);
    expect(text(await julien.pick('ticket:add'))).toContain(reference);
    const messages = await count('SELECT count(*)::int AS n FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.reference = $1', [reference]);
    expect(messages).toBe(1);
    const [status] = await julien.pick('ticket:status');
    expect(status.text).toMatch(/attend d’être prise en charge/);
    const [closed] = await julien.pick('ticket:close');
    expect(closed.ticket).toMatchObject({ reference, status: 'closed' });
  });

  it('asks a visitor who they are when it matters, and collects what their ticket needs, politely re-asking', async () => {
    const visitor = await chat(null);
    const asked = await visitor.write('comment j’active mon compte ?');
    expect(ids(asked)).toEqual(['profile:Teacher', 'profile:Personnel', 'profile:Relative', 'profile:Student', 'profile:Guest']);
    const answer = await visitor.pick('profile:Guest');
    expect(answer[0].answer).toEqual({ intent: 'login.activation' });
    await visitor.pick('not_helped');
    expect(text(await visitor.pick('ticket:create'))).toMatch(/De quelle école/);
    expect(text(await visitor.write('École des Lilas de nulle part'))).toMatch(/Je ne trouve pas/);
    expect(text(await visitor.write('0999001A'))).toMatch(/Quel est votre nom/);
    expect(text(await visitor.write('J'))).toMatch(/prénom et votre nom/);
    expect(ids(await visitor.write('Famille Martin'))).toEqual(['skip']);
    const [created] = await visitor.pick('skip');
    expect(created.ticket).toMatchObject({ tier: 'school_admin', status: 'new' });
    const [row] = await t.app.get(DataSource).query('SELECT requester_name, requester_profile, school_structure_id, requester_ent_id FROM tickets WHERE reference = $1', [created.ticket!.reference]);
    expect(row).toMatchObject({ requester_name: 'Famille Martin', requester_profile: 'Guest', school_structure_id: 'struct-jean-moulin', requester_ent_id: `webchat:${visitor.identity.externalId}` });
  });

  describe('a forgotten password', () => {
    it('sends a teacher to their credentials path, with no reset offered here', async () => {
      const julien = await chat('demo-teacher-jm');
      const answer = await julien.write('mot de passe oublié, je ne peux plus me connecter à l’ENT');
      expect(text(answer)).toMatch(/académi/);
      expect(ids(answer)).not.toContain('reset:start');
    });

    it("starts the ENT's own reset for a linked pupil, to the channel on file shown masked; no code in the conversation", async () => {
      const tom = await chat('demo-pupil-jm-tom');
      const answer = await tom.write("j'ai oublié mon mot de passe");
      expect(ids(answer)).toContain('reset:start');
      const [channels] = await tom.pick('reset:start');
      expect(channels.choices.map((c) => c.id)).toEqual(['reset:mail', 'reset:mobile', 'reset:cancel']);
      expect(channels.choices[0].label).toMatch(/\*/);
      expect(channels.choices[0].label).not.toContain('tom.girard@exemple.fr');
      const done = await tom.pick('reset:mail');
      const mail = await t.app.get(SandboxEnt).readMailbox('tom.girard@exemple.fr');
      expect(mail).toHaveLength(1);
      expect(text(done)).not.toContain(mail[0].code);
      const transcript = await t.app.get(ConversationEngine).transcript('webchat', tom.identity.externalId);
      expect(transcript.map((m) => m.text).join('\n')).not.toContain(mail[0].code);
    });

    it("asks the teacher's approval for a pupil with nothing on file; the code goes to the approver alone, and is not kept", async () => {
      const julien = await chat('demo-teacher-jm');
      const lea = await chat('demo-pupil-jm');
      await lea.write("j'ai oublié mon mot de passe");
      const [preview] = await lea.pick('reset:start');
      expect(ids([preview])).toEqual(['reset:confirm', 'reset:cancel']);
      const [sent] = await lea.pick('reset:confirm');
      expect(sent.text).not.toMatch(/code :/i);
      await eventually(() => pushed.some((r) => r.externalId === julien.identity.externalId && r.choices.some((c) => c.id.startsWith('approval:approve:'))), 10_000, 'the approval asked of the teacher');
      const notice = pushed.find((r) => r.externalId === julien.identity.externalId && r.choices.length)!;
      const [approved] = await julien.pick(notice.choices[0].id);
      expect(approved.secret).toBe(true);
      const code = /([a-z0-9]{8})/i.exec(approved.text.split(':').pop() ?? '')?.[1];
      expect(code).toBeDefined();
      const everything = async (id: string) => (await t.app.get(ConversationEngine).transcript('webchat', id)).map((m) => m.text).join('\n');
      expect(await everything(julien.identity.externalId)).not.toContain(code);
      expect(await everything(lea.identity.externalId)).not.toContain(code);
      expect(pushed.filter((r) => r.text.includes(code!))).toHaveLength(0);
      // Léa hears the outcome, in her own conversation, without the code.
      await eventually(() => pushed.some((r) => r.externalId === lea.identity.externalId), 10_000, 'the requester told');
    });

    it("never gives a visitor a code: their request goes to the school for approval", async () => {
      const visitor = await chat(null);
      const answer = await visitor.write("je suis en CM2 et j'ai oublié mon mot de passe de l'ENT");
      expect(text(answer)).toMatch(/enseignant|maître|maîtresse|administrat/i);
      expect(text(await visitor.pick('reset:start'))).toMatch(/Dans quelle école/);
      expect(text(await visitor.write('Jean-Moulin'))).toMatch(/identifiant ENT/);
      const [preview] = await visitor.write('lea.lambert');
      expect(ids([preview])).toEqual(['reset:confirm', 'reset:cancel']);
      const [sent] = await visitor.pick('reset:confirm');
      expect(sent.text).not.toMatch(/\b[a-z0-9]{8}\b.*remettre/i);
      expect(await count(`SELECT count(*)::int AS n FROM account_approvals WHERE target_login = 'lea.lambert' AND status = 'pending'`)).toBeGreaterThan(0);
    });
  });

  it('answers garbage politely and changes nothing: the same question stays asked', async () => {
    const visitor = await chat(null);
    const asked = await visitor.write('comment j’active mon compte ?');
    const answers = await count('SELECT count(*)::int AS n FROM kb_answers');
    for (const garbage of ['', '   ', '🙂🙂🙂', 'x'.repeat(20_000), '\u0000\u0007', '<br><hr/>']) {
      const [reply] = await visitor.write(garbage);
      expect(reply.text.length).toBeGreaterThan(10);
      expect(reply.choices).toEqual(asked[0].choices);
    }
    expect(await count('SELECT count(*)::int AS n FROM kb_answers')).toBe(answers);
    // Markup is read as the words it holds, never kept or shown as markup.
    const markup = await visitor.write('<script>alert(1)</script>');
    expect(text(markup)).not.toContain('<script>');
    expect((await t.app.get(ConversationEngine).transcript('webchat', visitor.identity.externalId)).map((m) => m.text).join('\n')).not.toContain('<script>');
  });

  it('answers a stale button politely, with what is on offer now', async () => {
    const visitor = await chat(null);
    await visitor.write('comment j’active mon compte ?');
    const [stale] = await visitor.pick('ticket:create');
    expect(stale.text).toMatch(/plus proposé/);
    expect(stale.choices.map((c) => c.id)).toContain('profile:Student');
  });
});

describe(`a conversation across a restart (${DRIVERS.database})`, () => {
  it('goes on where it was', async () => {
    const store = await TestStore.create();
    const identity: ChatIdentity = { channel: 'webchat', externalId: 'session-restart' };
    const turn = (t: TestApp, part: Pick<Turn, 'text' | 'choice'>) => t.app.get(ConversationEngine).handle({ channel: 'webchat', conversation: identity.externalId, identity, ...part });
    try {
      let t = await TestApp.start(store);
      const asked = await turn(t, { text: 'comment j’active mon compte ?' });
      expect(asked[0].choices.map((c) => c.id)).toContain('profile:Student');
      await t.close();
      t = await TestApp.start(store);
      try {
        const [answer] = await turn(t, { choice: 'profile:Student' });
        expect(answer.answer).toEqual({ intent: 'login.activation' });
        expect(answer.text).toMatch(/\btu\b|\bton\b|\bta\b/);
      } finally {
        await t.close();
      }
    } finally {
      await store.destroy();
    }
  });
});
