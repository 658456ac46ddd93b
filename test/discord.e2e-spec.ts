import { DataSource } from 'typeorm';
import { ChatIdentity } from '../src/admin-actions/actor';
import { DemoIdentities } from '../src/demo/demo-identities.service';
import { SandboxEnt } from '../src/ent/sandbox/sandbox-ent';
import { NotificationsSettle } from '../src/notifications/notifications-settle';
import { TicketCommands } from '../src/tickets/ticket-commands.service';
import { TicketViewers } from '../src/tickets/ticket-viewers.service';
import { APPLICATION_ID, BOT_TOKEN, DiscordServer, DiscordUser, PostedMessage } from './support/discord-server';
import { eventually } from './support/http-target';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

/** The Discord circonscription channel of Jean-Moulin's circonscription (Val-Fleuri) in the demo directory. */
const VAL_FLEURI_CHANNEL = '100000000000000101';

/**
 * The Discord bot, driven through the real discord.js client against a local
 * Discord (REST routes and gateway over WebSocket): slash commands, buttons,
 * the ticket modal, ephemeral replies and direct messages (issue 15, item 6).
 */
describe(`Discord bot (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let discord: DiscordServer;
  let store: TestStore;
  let t: TestApp;

  async function boot(): Promise<void> {
    t = await TestApp.start(store);
    await discord.ready();
    await eventually(() => commandPuts().length > 0, 10_000, 'the commands registered');
  }

  beforeAll(async () => {
    discord = await DiscordServer.start();
    store = await TestStore.create({ DISCORD_TOKEN: BOT_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: discord.apiUrl });
    await boot();
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
    await discord?.close();
  });

  const commandPuts = () => discord.calls.filter((c) => c.method === 'PUT' && c.route === `/applications/${APPLICATION_ID}/commands`);
  let n = 0;
  /** A Discord user, linked to a demo person through the real linking flow, or nobody's. */
  async function user(person: string | null): Promise<DiscordUser> {
    const discordUser = { id: String(400000000000000000n + BigInt(++n)), username: `personne${n}`, global_name: `Personne ${n}` };
    const identity: ChatIdentity = { channel: 'discord', externalId: discordUser.id };
    if (person) await t.app.get(DemoIdentities).link(identity, person);
    return discordUser;
  }
  /** Waits for the bot's answer to an interaction: its callback and any follow-up. */
  async function answers(interactionId: string, count = 1): Promise<PostedMessage[]> {
    await eventually(() => discord.answersTo(interactionId).length >= count, 10_000, `${count} answer(s) to interaction ${interactionId}`);
    return discord.answersTo(interactionId);
  }
  async function dms(userId: string, count: number): Promise<PostedMessage[]> {
    await eventually(() => discord.dmsTo(userId).length >= count, 10_000, `${count} DM(s) to ${userId}`);
    return discord.dmsTo(userId);
  }
  const buttons = (message: PostedMessage) => message.components.flatMap((row) => row.components.map((c) => c.custom_id ?? c.url));
  const count = async (sql: string, values: unknown[] = []) => ((await t.app.get(DataSource).query(sql, values)) as { n: number }[])[0].n;
  const settle = () => t.app.get(NotificationsSettle).settle();
  const staff = (entUserId: string) => t.app.get(TicketViewers).person(entUserId);

  it('identifies on the gateway, answers heartbeats, and registers its four commands at start in one bulk overwrite', async () => {
    const [put] = commandPuts();
    expect(put.authorized).toBe(true);
    const commands = put.body as { name: string; description: string; options?: { name: string }[] }[];
    expect(commands.map((c) => c.name)).toEqual(['aide', 'ticket', 'motdepasse', 'lier']);
    for (const c of commands) expect(c.description.length).toBeGreaterThan(10);
    expect(commands[0].options?.map((o) => o.name)).toEqual(['question']);
    // Guilds (1) and direct messages (1 << 12).
    expect(discord.identified[0].intents & ((1 << 0) | (1 << 12))).toBe((1 << 0) | (1 << 12));
    expect(discord.calls.some((c) => c.route === '/gateway/bot' && c.authorized)).toBe(true);
  });

  it('/aide deflects a question with an ephemeral answer; a button click records that it helped, with no ticket', async () => {
    const tickets = await count('SELECT count(*)::int AS n FROM tickets');
    const sophie = await user('demo-parent-jm');
    const [answer] = await answers(discord.slashCommand(sophie, 'aide', { question: "Bonjour, j'ai oublié mon mot de passe pour aller sur l'ENT" }));
    expect(answer).toMatchObject({ where: 'callback', type: 4, ephemeral: true });
    expect(answer.content).toMatch(/ÉduConnect/);
    expect(answer.raw.allowed_mentions).toEqual({ parse: [] });
    expect(buttons(answer)).toEqual(['helped', 'not_helped']);

    const [thanks] = await answers(discord.clickButton(sophie, answer, 'helped'));
    expect(thanks).toMatchObject({ where: 'callback', type: 7 });
    expect(thanks.content).toMatch(/^Tant mieux/);
    expect(await count('SELECT count(*)::int AS n FROM tickets')).toBe(tickets);

    const [intro] = await answers(discord.slashCommand(sophie, 'aide'));
    expect(intro).toMatchObject({ ephemeral: true });
    expect(intro.content).toMatch(/\/ticket/);
  });

  it('/ticket opens a modal; its details become a ticket with its reference, noticed in the circonscription channel, and staff answers come back by DM', async () => {
    const sophie = await user('demo-parent-jm');
    const [modal] = await answers(discord.slashCommand(sophie, 'ticket'));
    expect(modal).toMatchObject({ where: 'callback', type: 9 });
    expect(modal.raw).toMatchObject({ custom_id: 'relais-ticket', title: expect.stringMatching(/demande/) });
    expect(JSON.stringify(modal.raw.components)).toContain('"custom_id":"details"');

    const submitted = await answers(discord.submitModal(sophie, 'relais-ticket', { details: "Ma fille n'apparaît plus dans sa classe sur l'ENT depuis la rentrée." }), 2);
    expect(submitted[0]).toMatchObject({ where: 'callback', type: 4, ephemeral: true });
    const reference = /AST-\d{4}-\d{6}/.exec(submitted[0].content)?.[0];
    expect(reference).toBeDefined();
    expect(submitted[1]).toMatchObject({ where: 'followup', ephemeral: true, content: expect.stringMatching(/message privé/) });
    const [row] = await t.app.get(DataSource).query('SELECT source_channel, requester_ent_id, tier FROM tickets WHERE reference = $1', [reference]);
    expect(row).toEqual({ source_channel: 'discord', requester_ent_id: 'demo-parent-jm', tier: 'school_director' });

    await settle();
    await eventually(() => discord.inChannel(VAL_FLEURI_CHANNEL).some((m) => m.content.includes(reference!)), 10_000, 'the staff notice');
    const notice = discord.inChannel(VAL_FLEURI_CHANNEL).find((m) => m.content.includes(reference!))!;
    expect(notice.content).toMatch(/Nouvelle demande/);
    expect(notice.content).toContain('École élémentaire Jean-Moulin');
    expect(notice.content).toContain('«\u00a0Ma fille');

    await t.app.get(TicketCommands).addMessage(reference!, { body: 'Je vérifie dans ONDE et je reviens vers vous.', visibility: 'public', channel: 'api' }, await staff('demo-director-jm'));
    await settle();
    const [relayed] = await dms(sophie.id, 1);
    expect(relayed.content).toBe(`Claire Dubois (${reference})\u00a0: Je vérifie dans ONDE et je reviens vers vous.`);
    expect(relayed.ephemeral).toBe(false);

    await t.app.get(TicketCommands).transition(reference!, { action: 'resolve' }, await staff('demo-director-jm'));
    await settle();
    const after = await dms(sophie.id, 2);
    expect(after[1].content).toMatch(/résolue/);
  });

  it("collects a visitor's ticket across surfaces: the modal in the server, the buttons there, the typed answers in the DM", async () => {
    const visitor = await user(null);
    const submitted = await answers(discord.submitModal(visitor, 'relais-ticket', { details: "Le tableau numérique de la classe n'affiche plus l'ENT." }));
    expect(buttons(submitted[0])).toContain('profile:Relative');
    const school = await answers(discord.clickButton(visitor, submitted[0], 'profile:Relative'), 2);
    expect(school[0].content).toMatch(/De quelle école/);
    // An ephemeral message cannot be answered: the person is told to write in the DM.
    expect(school[1]).toMatchObject({ where: 'followup', ephemeral: true, content: expect.stringMatching(/message privé/) });
    discord.directMessage(visitor, 'Une école de nulle part');
    expect((await dms(visitor.id, 1))[0].content).toMatch(/Je ne trouve pas/);
    // The name is the one Discord shows: the login comes next.
    discord.directMessage(visitor, '0999001A');
    const [, login] = await dms(visitor.id, 2);
    expect(login.content).toMatch(/identifiant ENT/);
    expect(buttons(login)).toEqual(['skip']);
    const [created] = await answers(discord.clickButton(visitor, login, 'skip'));
    const reference = /AST-\d{4}-\d{6}/.exec(created.content)?.[0];
    const [row] = await t.app.get(DataSource).query('SELECT requester_name, requester_ent_id, school_structure_id, source_channel FROM tickets WHERE reference = $1', [reference]);
    expect(row).toEqual({ requester_name: visitor.global_name, requester_ent_id: `discord:${visitor.id}`, school_structure_id: 'struct-jean-moulin', source_channel: 'discord' });
  });

  it('waits out a rate limit (429, Retry-After) and delivers the DM', async () => {
    const sophie = await user('demo-parent-jm');
    const submitted = await answers(discord.submitModal(sophie, 'relais-ticket', { details: "Je n'arrive plus à voir le cahier de textes de mon fils." }));
    const reference = /AST-\d{4}-\d{6}/.exec(submitted[0].content)![0];
    await settle();
    const dmChannel = String(BigInt(sophie.id) + 7n);
    discord.rateLimit(dmChannel, 1);
    await t.app.get(TicketCommands).addMessage(reference, { body: 'Le cahier de textes est de nouveau visible.', visibility: 'public', channel: 'api' }, await staff('demo-director-jm'));
    await settle();
    const [relayed] = await dms(sophie.id, 1);
    expect(relayed.content).toContain('de nouveau visible');
    expect(discord.calls.filter((c) => c.route === `/channels/${dmChannel}/messages`)).toHaveLength(2);
  });

  it('talks with a visitor by DM: the profile asked with buttons, the answer in place of the question', async () => {
    const visitor = await user(null);
    discord.directMessage(visitor, 'comment j’active mon compte ?');
    const [asked] = await dms(visitor.id, 1);
    expect(buttons(asked)).toEqual(['profile:Teacher', 'profile:Personnel', 'profile:Relative', 'profile:Student', 'profile:Guest']);
    const [answer] = await answers(discord.clickButton(visitor, asked, 'profile:Student'));
    expect(answer).toMatchObject({ where: 'callback', type: 7 });
    expect(answer.content).toMatch(/\btu\b|\bton\b|\bta\b/);
  });

  describe('/motdepasse', () => {
    it('sends a teacher to their credentials path and a parent to ÉduConnect, ephemerally, with no reset offered', async () => {
      const [teacher] = await answers(discord.slashCommand(await user('demo-teacher-jm'), 'motdepasse'));
      expect(teacher).toMatchObject({ ephemeral: true });
      expect(teacher.content).toMatch(/académi/);
      expect(buttons(teacher)).not.toContain('reset:start');
      const [parent] = await answers(discord.slashCommand(await user('demo-parent-jm'), 'motdepasse'));
      expect(parent.content).toMatch(/ÉduConnect/);
      expect(buttons(parent)).not.toContain('reset:start');
    });

    it("starts the ENT's own reset for a linked pupil, to the channel on file shown masked; the code never reaches Discord", async () => {
      const tom = await user('demo-pupil-jm-tom');
      const [answer] = await answers(discord.slashCommand(tom, 'motdepasse'));
      expect(buttons(answer)).toContain('reset:start');
      const [channels] = await answers(discord.clickButton(tom, answer, 'reset:start'));
      expect(buttons(channels)).toEqual(['reset:mail', 'reset:mobile', 'reset:cancel']);
      expect(JSON.stringify(channels.components)).not.toContain('tom.girard@exemple.fr');
      const [done] = await answers(discord.clickButton(tom, channels, 'reset:mail'));
      const mail = await t.app.get(SandboxEnt).readMailbox('tom.girard@exemple.fr');
      expect(mail).toHaveLength(1);
      expect(done.content.length).toBeGreaterThan(10);
      expect(discord.posted.filter((p) => JSON.stringify(p.raw).includes(mail[0].code))).toEqual([]);
    });

    it("asks the teacher's approval for a pupil with nothing on file, by DM; the code is shown to the approver only, ephemerally", async () => {
      const julien = await user('demo-teacher-jm');
      const lea = await user('demo-pupil-jm');
      const [answer] = await answers(discord.slashCommand(lea, 'motdepasse'));
      const [preview] = await answers(discord.clickButton(lea, answer, 'reset:start'));
      expect(buttons(preview)).toEqual(['reset:confirm', 'reset:cancel']);
      await answers(discord.clickButton(lea, preview, 'reset:confirm'));

      const [notice] = await dms(julien.id, 1);
      const approve = buttons(notice).find((id) => id?.startsWith('approval:approve:'))!;
      expect(approve).toBeDefined();
      const [approved] = await answers(discord.clickButton(julien, notice, approve));
      // A secret is never an update of the DM message: an ephemeral reply, for the approver alone.
      expect(approved).toMatchObject({ where: 'callback', type: 4, ephemeral: true });
      const code = /([a-z0-9]{8})/i.exec(approved.content.split(':').pop() ?? '')?.[1];
      expect(code).toBeDefined();
      const carrying = discord.posted.filter((p) => JSON.stringify(p.raw).includes(code!));
      expect(carrying).toEqual([approved]);
      // Léa hears the outcome by DM, without the code.
      const [outcome] = await dms(lea.id, 1);
      expect(outcome.content).not.toContain(code);
    });
  });

  it('never gives a visitor a code: /motdepasse asks who they are, and their request goes to the school for approval', async () => {
    const visitor = await user(null);
    const [asked] = await answers(discord.slashCommand(visitor, 'motdepasse'));
    expect(buttons(asked)).toContain('profile:Student');
    const [answer] = await answers(discord.clickButton(visitor, asked, 'profile:Student'));
    expect(buttons(answer)).toContain('reset:start');
    const [school] = await answers(discord.clickButton(visitor, answer, 'reset:start'));
    expect(school.content).toMatch(/Dans quelle école/);
    discord.directMessage(visitor, 'Jean-Moulin');
    expect((await dms(visitor.id, 1))[0].content).toMatch(/identifiant ENT/);
    discord.directMessage(visitor, 'lea.lambert');
    const [, preview] = await dms(visitor.id, 2);
    expect(buttons(preview)).toEqual(['reset:confirm', 'reset:cancel']);
    const pending = () => count(`SELECT count(*)::int AS n FROM account_approvals WHERE target_login = 'lea.lambert' AND status = 'pending'`);
    const before = await pending();
    const [sent] = await answers(discord.clickButton(visitor, preview, 'reset:confirm'));
    expect(sent).toMatchObject({ type: 7 });
    expect(await pending()).toBe(before + 1);
  });

  it('answers garbage politely, in Discord-sized messages, and changes nothing', async () => {
    const visitor = await user(null);
    const tickets = await count('SELECT count(*)::int AS n FROM tickets');
    const answersBefore = await count('SELECT count(*)::int AS n FROM kb_answers');
    const garbage = ['<script>alert(1)</script><b>@everyone</b>', 'x'.repeat(20_000), '🙂🙂🙂', '\u0000\u0007'];
    for (const [i, text] of garbage.entries()) {
      discord.directMessage(visitor, text);
      await dms(visitor.id, i + 1);
    }
    const replies = discord.dmsTo(visitor.id);
    for (const reply of replies) {
      expect(reply.content.length).toBeGreaterThan(10);
      expect(reply.content.length).toBeLessThanOrEqual(2000);
      expect(reply.content).not.toContain('<script>');
      expect(reply.raw.allowed_mentions).toEqual({ parse: [] });
    }
    expect(replies.slice(1).map((r) => r.content)).toEqual([expect.stringMatching(/trop long/), expect.stringMatching(/pas trouvé de mots/), expect.stringMatching(/pas trouvé de mots|rien reçu/)]);
    // An emoji-only ticket is no ticket; a modal without its field, or a button nobody offered, is answered politely.
    const [refused] = await answers(discord.submitModal(visitor, 'relais-ticket', { details: '🙂🙂' }));
    expect(refused.content).toMatch(/pas trouvé de mots/);
    const [broken] = await answers(discord.submitModal(visitor, 'relais-ticket', { other: 'Mon problème' }));
    expect(broken).toMatchObject({ type: 4, ephemeral: true, content: expect.stringMatching(/^Désolé/) });
    const [stale] = await answers(discord.clickButton(visitor, replies[0], 'approval:approve:00000000-0000-0000-0000-000000000000'));
    expect(stale.content).toMatch(/plus proposé/);
    expect(await count('SELECT count(*)::int AS n FROM tickets')).toBe(tickets);
    // The markup was read as the words it holds (one question understood); the rest reached nothing.
    expect(await count('SELECT count(*)::int AS n FROM kb_answers')).toBe(answersBefore + 1);
  });

  it('acknowledges a slow turn in time (deferred, then the answer in place of "thinking")', async () => {
    const sophie = await user('demo-parent-jm');
    // The conversations held until the bot defers: the turn cannot answer within Discord's 3 s.
    const runner = t.app.get(DataSource).createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query('LOCK TABLE conversations IN ACCESS EXCLUSIVE MODE');
    const interaction = discord.slashCommand(sophie, 'aide', { question: "j'ai oublié mon mot de passe" });
    try {
      const [deferred] = await answers(interaction);
      expect(deferred).toMatchObject({ where: 'callback', type: 5, ephemeral: true });
    } finally {
      await runner.commitTransaction();
      await runner.release();
    }
    const [, edited] = await answers(interaction, 2);
    expect(edited).toMatchObject({ where: 'edit' });
    expect(edited.content).toMatch(/ÉduConnect/);
    expect(buttons(edited)).toEqual(['helped', 'not_helped']);
  });

  it('/lier gives a one-time link to the ENT login, to the person alone', async () => {
    const visitor = await user(null);
    const [offer] = await answers(discord.slashCommand(visitor, 'lier'));
    expect(offer).toMatchObject({ type: 4, ephemeral: true });
    const url = buttons(offer).find((b) => b?.includes('/link?token='));
    expect(url).toBeDefined();
    expect(offer.content).toContain(url);
    expect(await count('SELECT count(*)::int AS n FROM link_requests WHERE channel = $1 AND external_id = $2', ['discord', visitor.id])).toBe(1);
  });

  it('goes on where the conversation was after the service restarts', async () => {
    const visitor = await user(null);
    discord.directMessage(visitor, 'comment j’active mon compte ?');
    const [asked] = await dms(visitor.id, 1);
    await t.close();
    discord.dropConnections();
    const puts = commandPuts().length;
    t = await TestApp.start(store);
    await discord.ready();
    await eventually(() => commandPuts().length > puts, 10_000, 'the commands registered again');
    const [answer] = await answers(discord.clickButton(visitor, asked, 'profile:Relative'));
    expect(answer).toMatchObject({ type: 7 });
    expect(answer.content).toMatch(/vous|votre/);
    expect(buttons(answer)).toEqual(['helped', 'not_helped']);
  });
});
