import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { DirectoryService } from '../directory/directory.service';
import { ChannelsAnswer, EntIdentity, EntPerson, EntPort, EntProfile, ResetService } from '../ent/ent-port';
import { ActorRef, ChatIdentity, identityKey } from './actor';
import { ApprovalEntity } from './approvals/approval.entity';
import { ApprovalNotice, ApprovalNotifier, ApprovalOutcome } from './approvals/approval-notifier';
import { ApprovalsService } from './approvals/approvals.service';
import { AuditLogService } from './audit/audit-log.service';
import { EntAccountsService } from './linking/ent-accounts.service';
import { LinkingService } from './linking/linking.service';
import { MessageContext } from '../common/message-catalogue';
import { AccountMessages, MessageKey } from './messages/account-messages';
import { approverDecision, blockDecision, credentialsPath, Decision, Refusal, renewalCodeDecision, SchoolLevel, selfServiceDecision } from './policy/account-policy';
import { ConfirmationPayload } from './safety/confirmation.entity';
import { ConfirmationsService } from './safety/confirmations.service';
import { RateLimiter, Reservation, UsageKind } from './safety/rate-limiter';

export type TargetRef = { login: string } | { name: string; structureId: string };

/** What a person asks for; `preview` answers each with what would happen and a confirmation. */
export type ActionRequest =
  | { action: 'renewal_code'; target: TargetRef }
  | { action: 'block'; target: TargetRef; reason?: string | null }
  | { action: 'unblock'; target: TargetRef }
  | { action: 'self_reset'; login?: string | null; structureId?: string | null; profile?: EntProfile | null }
  | { action: 'approve'; approvalId: string };

export type ConfirmableAction = 'renewal_code' | 'block' | 'unblock' | 'self_reset' | 'approval_request' | 'approve';

/** A person as the chat may show them: names, school, classes, contact details masked. */
export interface PersonView {
  id: string;
  login: string;
  displayName: string;
  profile: EntProfile;
  schools: string[];
  classes: string[];
  maskedEmail: string | null;
  maskedMobile: string | null;
  activated: boolean;
  blocked: boolean;
}

export type Preview =
  | {
      kind: 'confirm';
      action: ConfirmableAction;
      text: string;
      target: PersonView | null;
      /** Self-service reset: where the ENT can send its code (masked); confirm with one of them. */
      channels: { service: ResetService; masked: string }[];
      confirmation: { token: string; expiresAt: Date };
    }
  | { kind: 'choose'; action: ConfirmableAction; text: string; candidates: PersonView[] };

export interface ActionResult {
  action: ConfirmableAction | 'refuse';
  /** What to tell the person; for a renewal code it holds the code and the words to hand it over. */
  text: string;
  target: PersonView | null;
  /** Secret: present only in the answer to the one person entitled to it, shown once. */
  renewalCode?: string;
  handOver?: string;
  approvalId?: string;
}

export interface ApprovalView {
  id: string;
  status: ApprovalEntity['status'];
  targetLogin: string;
  targetName: string | null;
  schoolName: string | null;
  structureId: string;
  requesterName: string | null;
  requesterChannel: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Who acts, once resolved: `key` binds confirmations, `rateKey` counts uses (one person, whatever their channel). */
interface Actor {
  key: string;
  rateKey: string;
  channel: string;
  name: string | null;
  entUserId: string | null;
  identity: ChatIdentity | null;
  /** Structure ids the actor is confined to, or null. */
  within: readonly string[] | null;
}

type AuditTarget = { entUserId?: string | null; login?: string | null; name?: string | null } | null;


const ERROR_MESSAGES: Partial<Record<DomainError['code'], MessageKey>> = {
  CONFIRMATION_NOT_FOUND: 'confirmation.not_found',
  CONFIRMATION_USED: 'confirmation.used',
  CONFIRMATION_EXPIRED: 'confirmation.expired',
  ENT_LINK_EXPIRED: 'refused.link_expired',
  ENT_REFUSED: 'refused.ent_refused',
  ENT_UNAVAILABLE: 'refused.ent_unavailable',
  ACCOUNT_NOT_FOUND: 'not_found.target',
  APPROVAL_NOT_FOUND: 'not_found.approval',
  APPROVAL_DECIDED: 'approval.decided',
};

/**
 * Guarded account actions, for the chat engine, the bots and the HTTP API
 * alike. Every action is previewed (policy checked, nothing done) and then
 * confirmed with the single-use confirmation the preview gave; the policy is
 * checked again at confirmation, then the rate limits, then the ENT acts with
 * the grant of the person who asks. Every refusal and every outcome is in the
 * audit log; a renewal code is only ever in the result returned to the person
 * entitled to it. Errors are DomainErrors carrying `userMessage`, the French
 * sentence to show.
 */
@Injectable()
export class AccountActionsService {
  constructor(
    private readonly ent: EntPort,
    private readonly accounts: EntAccountsService,
    private readonly linking: LinkingService,
    private readonly approvals: ApprovalsService,
    private readonly notifier: ApprovalNotifier,
    private readonly confirmations: ConfirmationsService,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditLogService,
    private readonly directory: DirectoryService,
    private readonly messages: AccountMessages,
    private readonly clock: Clock,
  ) {}

  preview(ref: ActorRef, request: ActionRequest): Promise<Preview> {
    return this.withUserMessage(async () => {
      const actor = await this.resolve(ref);
      switch (request.action) {
        case 'renewal_code':
          return this.previewRenewal(actor, request.target);
        case 'block':
        case 'unblock':
          return this.previewBlock(actor, request.target, request.action === 'block', request.action === 'block' ? request.reason : null);
        case 'self_reset':
          return this.previewSelfReset(actor, request);
        case 'approve':
          return this.previewApprove(actor, request.approvalId);
      }
    });
  }

  /** `service` chooses where the ENT sends its reset code when both an e-mail and a mobile are on file. */
  confirm(ref: ActorRef, token: string, options: { service?: ResetService | null } = {}): Promise<ActionResult> {
    return this.withUserMessage(async () => {
      const actor = await this.resolve(ref);
      const pending = await this.confirmations.peek(actor.key, token);
      let service: ResetService | null = null;
      if (pending.action === 'self_reset') service = this.chooseService(pending.payload.services ?? [], options.service ?? null);
      const { action, payload: p } = await this.confirmations.redeem(actor.key, token);
      switch (action as ConfirmableAction) {
        case 'renewal_code':
          return this.doRenewal(actor, p);
        case 'block':
        case 'unblock':
          return this.doBlock(actor, p, action === 'block');
        case 'self_reset':
          return this.doSelfReset(actor, p, service!);
        case 'approval_request':
          return this.doApprovalRequest(actor, p);
        case 'approve':
          return this.doApprove(actor, p);
      }
      throw new Error(`unknown confirmed action ${action}`);
    });
  }

  pendingApprovals(ref: ActorRef): Promise<ApprovalView[]> {
    return this.withUserMessage(async () => {
      const actor = await this.resolve(ref);
      const identity = await this.linkedIdentity(actor, 'approvals');
      const pending = (await this.approvals.pendingFor(identity)).filter((a) => inLimit(actor, [a.structureId]));
      return Promise.all(pending.map((a) => this.approvalView(a)));
    });
  }

  /** Refusing needs no confirmation: it gives nothing away and can be asked again. Decided once, like an approval. */
  refuseApproval(ref: ActorRef, approvalId: string): Promise<ActionResult> {
    return this.withUserMessage(async () => {
      const actor = await this.resolve(ref);
      const identity = await this.linkedIdentity(actor, 'refuse');
      const { approval, target } = await this.approvalTarget(actor, approvalId);
      const decision = approverDecision(identity, target, approval.structureId, await this.levelOf(approval.structureId));
      if (!decision.allowed && decision.refusal.reason === 'not_an_approver') await this.refuse(actor, 'refuse', personTarget(target), decision.refusal, this.personContext(target));
      const decided = await this.approvals.decide(approval.id, 'refused', { entUserId: identity.id, name: identity.displayName });
      if (!decided) throw new DomainError('APPROVAL_DECIDED', 'This approval was already decided.');
      await this.record(actor, 'refuse', personTarget(target), 'done', null, { approvalId: approval.id });
      await this.tellRequester(decided, 'refused', 'notice.approval_refused', { approverName: identity.displayName });
      return { action: 'refuse', text: this.messages.render('done.refuse', { name: approval.targetName ?? approval.targetLogin }), target: this.view(target), approvalId: approval.id };
    });
  }

  // ---- renewal code -------------------------------------------------------------

  private async previewRenewal(actor: Actor, ref: TargetRef): Promise<Preview> {
    const identity = await this.linkedIdentity(actor, 'renewal_code');
    const found = await this.findTarget(actor, ref, 'renewal_code');
    if ('choose' in found) return found.choose;
    const target = found.person;
    await this.decideOrRefuse(actor, 'renewal_code', target, renewalCodeDecision(identity, target, await this.levelOfPerson(target)));
    return this.confirmation(actor, 'renewal_code', target, { targetId: target.id, targetLogin: target.login }, 'preview.renewal_code', {});
  }

  private async doRenewal(actor: Actor, p: ConfirmationPayload): Promise<ActionResult> {
    const identity = await this.linkedIdentity(actor, 'renewal_code');
    const target = await this.sameTarget(actor, p, 'renewal_code');
    await this.decideOrRefuse(actor, 'renewal_code', target, renewalCodeDecision(identity, target, await this.levelOfPerson(target)));
    const code = await this.withUse(actor, 'renewal_code', personTarget(target), () => this.accounts.withGrant(actor.entUserId!, (g) => this.ent.generateRenewalCode(g, target.login)));
    await this.record(actor, 'renewal_code', personTarget(target), 'done');
    return this.codeResult('renewal_code', 'done.renewal_code', target, code);
  }

  // ---- block / unblock ------------------------------------------------------------

  private async previewBlock(actor: Actor, ref: TargetRef, block: boolean, reason: string | null | undefined): Promise<Preview> {
    const action = block ? 'block' : 'unblock';
    const identity = await this.linkedIdentity(actor, action);
    const found = await this.findTarget(actor, ref, action);
    if ('choose' in found) return found.choose;
    const target = found.person;
    await this.decideOrRefuse(actor, action, target, await this.blockDecision(actor, identity, target, block, reason));
    return this.confirmation(actor, action, target, { targetId: target.id, targetLogin: target.login, reason: reason?.trim() }, block ? 'preview.block' : 'preview.unblock', {
      reason: reason?.trim() ?? null,
    });
  }

  private async doBlock(actor: Actor, p: ConfirmationPayload, block: boolean): Promise<ActionResult> {
    const action = block ? 'block' : 'unblock';
    const identity = await this.linkedIdentity(actor, action);
    const target = await this.sameTarget(actor, p, action);
    await this.decideOrRefuse(actor, action, target, await this.blockDecision(actor, identity, target, block, p.reason));
    await this.withUse(actor, action, personTarget(target), () => this.accounts.withGrant(actor.entUserId!, (g) => this.ent.setBlocked(g, target.id, block)));
    await this.record(actor, action, personTarget(target), 'done', null, block ? { reason: p.reason ?? null } : {});
    return { action, text: this.messages.render(block ? 'done.block' : 'done.unblock', { name: target.displayName, reason: p.reason ?? null }), target: this.view({ ...target, blocked: block }) };
  }

  /** The mass-block state is only read when it matters (an unblock the actor may otherwise do). */
  private async blockDecision(actor: Actor, identity: EntIdentity, target: EntPerson, block: boolean, reason: string | null | undefined): Promise<Decision> {
    const first = blockDecision(identity, target, { block, reason, profileBlocks: [] });
    if (block || !first.allowed) return first;
    const profileBlocks = (
      await Promise.all(target.structures.map((s) => this.accounts.withGrant(actor.entUserId!, (g) => this.ent.profileBlocks(g, s.id)).catch(() => [])))
    ).flat();
    return blockDecision(identity, target, { block, reason, profileBlocks });
  }

  // ---- self-service reset and approval requests -----------------------------------

  private async previewSelfReset(actor: Actor, request: Extract<ActionRequest, { action: 'self_reset' }>): Promise<Preview> {
    const own = actor.entUserId ? await this.accounts.find(actor.entUserId) : null;
    if (own && (!request.login || request.login === own.login)) {
      if (!inLimit(actor, own.structureIds)) throw new DomainError('ACCOUNT_NOT_FOUND', 'This account is outside the caller’s limit.');
      return this.previewOwnReset(actor, own);
    }
    // Unlinked, or asking for someone else (a parent for a child): nobody's identity is proven, so a teacher or the ENT admin decides.
    const login = request.login?.trim();
    if (!login) return this.refuse(actor, 'self_reset', null, 'login_required');
    const structureId = request.structureId ?? (own && own.structureIds.length === 1 ? own.structureIds[0] : null);
    if (!structureId) return this.refuse(actor, 'self_reset', { login }, 'structure_required');
    if (!inLimit(actor, [structureId])) throw new DomainError('ACCOUNT_NOT_FOUND', 'This school is outside the caller’s limit.');
    if (request.profile) {
      const decision = selfServiceDecision({ profile: request.profile, source: 'unknown' }, await this.levelOf(structureId));
      await this.decideOrRefuse(actor, 'self_reset', { login }, decision, { self: true });
    }
    return this.previewApprovalRequest(actor, { targetLogin: login, structureId, classIds: [], targetName: null, targetEntUserId: null });
  }

  private async previewOwnReset(actor: Actor, own: NonNullable<Awaited<ReturnType<EntAccountsService['find']>>>): Promise<Preview> {
    // The ENT's own record says where the account comes from; the link's snapshot is the fallback.
    const person = await this.accounts.withGrant(own.entUserId, (g) => this.ent.findByLogin(g, own.login)).catch(() => null);
    const facts = person ?? { profile: own.profile, source: 'unknown', blocked: false, structures: own.structureIds.map((id) => ({ id, name: '' })) };
    const target: AuditTarget = { entUserId: own.entUserId, login: own.login, name: own.displayName };
    const level = await this.levelOf(facts.structures[0]?.id ?? null);
    await this.decideOrRefuse(actor, 'self_reset', target, selfServiceDecision(facts, level), { self: true });
    if (facts.blocked) return this.refuse(actor, 'self_reset', target, 'target_blocked', { self: true });
    const channels: ChannelsAnswer = await this.entCall(actor, 'self_reset', target, () => this.ent.passwordChannels(own.login));
    if (channels.kind === 'not_activated') return this.refuse(actor, 'self_reset', target, 'self_not_activated');
    if (channels.kind === 'no_match') {
      return this.previewApprovalRequest(actor, {
        targetLogin: own.login,
        structureId: own.structureIds[0] ?? '',
        classIds: own.classIds,
        targetName: own.displayName,
        targetEntUserId: own.entUserId,
        self: true,
      });
    }
    const offered = (['mail', 'mobile'] as const).flatMap((service) => {
      const masked = channels.channels[service];
      return masked ? [{ service, masked }] : [];
    });
    const confirmation = await this.confirmations.issue(actor.key, 'self_reset', {
      targetId: own.entUserId,
      targetLogin: own.login,
      services: offered.map((c) => c.service),
      masked: Object.fromEntries(offered.map((c) => [c.service, c.masked])),
    } satisfies ConfirmationPayload);
    return {
      kind: 'confirm',
      action: 'self_reset',
      text: this.messages.render('preview.self_reset', { mail: channels.channels.mail, mobile: channels.channels.mobile, both: offered.length > 1 }),
      target: person ? this.view(person) : null,
      channels: offered,
      confirmation,
    };
  }

  private async previewApprovalRequest(
    actor: Actor,
    input: { targetLogin: string; structureId: string; classIds: string[]; targetName: string | null; targetEntUserId: string | null; self?: boolean },
  ): Promise<Preview> {
    const target: AuditTarget = { entUserId: input.targetEntUserId, login: input.targetLogin, name: input.targetName };
    if (await this.approvals.findPending(input.targetLogin, input.structureId)) return this.refuse(actor, 'approval_request', target, 'approval_pending');
    const school = await this.directory.findSchoolByStructureId(input.structureId);
    const confirmation = await this.confirmations.issue(actor.key, 'approval_request', {
      targetLogin: input.targetLogin,
      structureId: input.structureId,
      classIds: input.classIds,
      targetName: input.targetName,
      targetEntUserId: input.targetEntUserId,
    } satisfies ConfirmationPayload);
    return {
      kind: 'confirm',
      action: 'approval_request',
      text: this.messages.render('preview.approval_request', { self: input.self === true, login: input.targetLogin, schoolName: school?.name ?? null }),
      target: null,
      channels: [],
      confirmation,
    };
  }

  private chooseService(offered: ResetService[], chosen: ResetService | null): ResetService {
    if (chosen && offered.includes(chosen)) return chosen;
    if (!chosen && offered.length === 1) return offered[0];
    throw this.refusalError('channel_required', {}, `Choose where the ENT sends its code: ${offered.join(' or ')}.`);
  }

  private async doSelfReset(actor: Actor, p: ConfirmationPayload, service: ResetService): Promise<ActionResult> {
    const target = { entUserId: p.targetId!, login: p.targetLogin! };
    await this.withUse(actor, 'self_reset', target, () => this.ent.forgotPassword(p.targetLogin!, service));
    await this.record(actor, 'self_reset', target, 'done', null, { service });
    return { action: 'self_reset', text: this.messages.render('done.self_reset', { isMail: service === 'mail', masked: p.masked?.[service] ?? null }), target: null };
  }

  private async doApprovalRequest(actor: Actor, p: ConfirmationPayload): Promise<ActionResult> {
    const target: AuditTarget = { entUserId: p.targetEntUserId ?? null, login: p.targetLogin, name: p.targetName ?? null };
    if (await this.approvals.findPending(p.targetLogin!, p.structureId!)) return this.refuse(actor, 'approval_request', target, 'approval_pending');
    await this.reserve(actor, 'approval_request', null, target);
    const candidates = await this.approvals.candidates(p.structureId!, p.classIds ?? []);
    const approval = await this.approvals.create(
      {
        requesterKey: actor.key,
        requesterChannel: actor.channel,
        requesterName: actor.name,
        requesterEntUserId: actor.entUserId,
        targetLogin: p.targetLogin!,
        targetEntUserId: p.targetEntUserId ?? null,
        targetName: p.targetName ?? null,
        structureId: p.structureId!,
        classIds: p.classIds ?? [],
      },
      candidates,
    );
    await this.record(actor, 'approval_request', target, 'requested', null, { approvalId: approval.id, approvers: candidates.length });
    const notice = await this.notice(approval, 'notice.approval_requested', {});
    await this.notifier.approvalRequested(notice, candidates);
    return { action: 'approval_request', text: this.messages.render('done.approval_request', { schoolName: notice.schoolName }), target: null, approvalId: approval.id };
  }

  // ---- approvals -------------------------------------------------------------------

  private async previewApprove(actor: Actor, approvalId: string): Promise<Preview> {
    const identity = await this.linkedIdentity(actor, 'approve');
    const { approval, target } = await this.approvalTarget(actor, approvalId);
    await this.decideOrRefuse(actor, 'approve', target, approverDecision(identity, target, approval.structureId, await this.levelOf(approval.structureId)));
    return this.confirmation(actor, 'approve', target, { approvalId, targetId: target.id, targetLogin: target.login }, 'preview.approve', {
      requesterName: approval.requesterName,
    });
  }

  private async doApprove(actor: Actor, p: ConfirmationPayload): Promise<ActionResult> {
    const identity = await this.linkedIdentity(actor, 'approve');
    const { approval, target } = await this.approvalTarget(actor, p.approvalId!);
    if (target.id !== p.targetId) throw new DomainError('ACCOUNT_NOT_FOUND', 'The account changed since the preview.');
    await this.decideOrRefuse(actor, 'approve', target, approverDecision(identity, target, approval.structureId, await this.levelOf(approval.structureId)));
    const decided = await this.approvals.decide(approval.id, 'approved', { entUserId: identity.id, name: identity.displayName });
    if (!decided) throw new DomainError('APPROVAL_DECIDED', 'This approval was already decided.');
    let code: string;
    try {
      code = await this.withUse(actor, 'renewal_code', personTarget(target), () => this.accounts.withGrant(actor.entUserId!, (g) => this.ent.generateRenewalCode(g, target.login)), 'approve');
    } catch (error) {
      await this.approvals.reopen(approval.id);
      throw error;
    }
    await this.record(actor, 'approve', personTarget(target), 'done', null, { approvalId: approval.id });
    await this.tellRequester(decided, 'approved', 'notice.approval_approved', { approverName: identity.displayName });
    return { ...this.codeResult('approve', 'done.approve', target, code), approvalId: approval.id };
  }

  /** The approval, still pending, and its account as the approver's own grant sees it (unseen: not theirs to decide). */
  private async approvalTarget(actor: Actor, approvalId: string): Promise<{ approval: ApprovalEntity; target: EntPerson }> {
    const approval = await this.approvals.get(approvalId);
    if (!approval || !inLimit(actor, [approval.structureId])) throw new DomainError('APPROVAL_NOT_FOUND', 'No such approval.');
    if (approval.status !== 'pending' || approval.expiresAt <= this.clock.now()) throw new DomainError('APPROVAL_DECIDED', 'This approval was already decided.');
    const target = await this.entCall(actor, 'approve', { login: approval.targetLogin }, () =>
      this.accounts.withGrant(actor.entUserId!, (g) => this.ent.findByLogin(g, approval.targetLogin)),
    );
    if (!target) return this.refuse(actor, 'approve', { login: approval.targetLogin }, 'not_an_approver');
    return { approval, target };
  }

  private async tellRequester(approval: ApprovalEntity, outcome: ApprovalOutcome, key: MessageKey, context: MessageContext): Promise<void> {
    const notice = await this.notice(approval, key, context);
    await this.notifier.approvalDecided(notice, outcome, { chatIdentity: chatIdentityOf(approval.requesterKey), entUserId: approval.requesterEntUserId });
  }

  /** Called by the sweeper for each approval it withdrew. */
  async approvalExpired(approval: ApprovalEntity): Promise<void> {
    await this.audit.append({
      actor: { key: 'system:sweeper', entUserId: null, name: null, channel: 'system' },
      action: 'approval_expired',
      target: { entUserId: approval.targetEntUserId, login: approval.targetLogin, name: approval.targetName },
      outcome: 'done',
      details: { approvalId: approval.id },
    });
    await this.tellRequester(approval, 'expired', 'notice.approval_expired', {});
  }

  private async notice(approval: ApprovalEntity, key: MessageKey, context: MessageContext): Promise<ApprovalNotice> {
    const school = await this.directory.findSchoolByStructureId(approval.structureId);
    const base = {
      approvalId: approval.id,
      structureId: approval.structureId,
      schoolName: school?.name ?? null,
      targetLogin: approval.targetLogin,
      targetName: approval.targetName,
      requesterName: approval.requesterName,
      requesterChannel: approval.requesterChannel,
      expiresAt: approval.expiresAt,
    };
    return { ...base, text: this.messages.render(key, { ...context, ...base, name: approval.targetName ?? approval.targetLogin, expiresAt: parisTime(approval.expiresAt) }) };
  }

  private async approvalView(approval: ApprovalEntity): Promise<ApprovalView> {
    const school = await this.directory.findSchoolByStructureId(approval.structureId);
    return {
      id: approval.id,
      status: approval.status,
      targetLogin: approval.targetLogin,
      targetName: approval.targetName,
      schoolName: school?.name ?? null,
      structureId: approval.structureId,
      requesterName: approval.requesterName,
      requesterChannel: approval.requesterChannel,
      createdAt: approval.createdAt,
      expiresAt: approval.expiresAt,
    };
  }

  // ---- shared steps ------------------------------------------------------------------

  private async resolve(ref: ActorRef): Promise<Actor> {
    if (ref.kind === 'ent') {
      const account = await this.accounts.find(ref.entUserId);
      return { key: `ent:${ref.entUserId}`, rateKey: `ent:${ref.entUserId}`, channel: ref.channel, name: account?.displayName ?? null, entUserId: ref.entUserId, identity: null, within: ref.within ?? null };
    }
    const link = await this.linking.resolve(ref.identity);
    const key = identityKey(ref.identity);
    return {
      key,
      rateKey: link ? `ent:${link.entUserId}` : key,
      channel: ref.identity.channel,
      name: ref.identity.displayName ?? link?.displayName ?? null,
      entUserId: link?.entUserId ?? null,
      identity: ref.identity,
      within: ref.within ?? null,
    };
  }

  /** Account actions act with the asker's own ENT grant: no link, no action. */
  private async linkedIdentity(actor: Actor, action: string): Promise<EntIdentity> {
    if (!actor.entUserId || !(await this.accounts.find(actor.entUserId))) return this.refuse(actor, action, null, 'not_linked');
    return this.entCall(actor, action, null, () => this.accounts.whoIs(actor.entUserId!));
  }

  private async findTarget(actor: Actor, ref: TargetRef, action: ConfirmableAction): Promise<{ person: EntPerson } | { choose: Preview }> {
    if ('login' in ref) {
      const found = await this.entCall(actor, action, { login: ref.login }, () => this.accounts.withGrant(actor.entUserId!, (g) => this.ent.findByLogin(g, ref.login)));
      const person = found && inLimit(actor, found.structures.map((s) => s.id)) ? found : null;
      if (!person) {
        await this.record(actor, action, { login: ref.login }, 'refused', 'not_found');
        throw new DomainError('ACCOUNT_NOT_FOUND', 'No account with that login is visible to this actor.');
      }
      return { person };
    }
    const people = (await this.entCall(actor, action, null, () => this.accounts.withGrant(actor.entUserId!, (g) => this.ent.searchByName(g, ref)))).filter((p) =>
      inLimit(actor, p.structures.map((s) => s.id)),
    );
    if (people.length === 0) {
      await this.record(actor, action, null, 'refused', 'not_found', { structureId: ref.structureId });
      throw new DomainError('ACCOUNT_NOT_FOUND', 'Nobody with that name is visible to this actor.');
    }
    if (people.length === 1) return { person: people[0] };
    return { choose: { kind: 'choose', action, text: this.messages.render('preview.choose', { count: people.length }), candidates: people.map((p) => this.view(p)) } };
  }

  /** The account the confirmation was issued for, looked up again: it may have changed in two minutes. */
  private async sameTarget(actor: Actor, p: ConfirmationPayload, action: ConfirmableAction): Promise<EntPerson> {
    const found = await this.findTarget(actor, { login: p.targetLogin! }, action);
    if ('choose' in found || found.person.id !== p.targetId) throw new DomainError('ACCOUNT_NOT_FOUND', 'The account changed since the preview.');
    return found.person;
  }

  private async confirmation(actor: Actor, action: ConfirmableAction, target: EntPerson, payload: ConfirmationPayload, key: MessageKey, context: MessageContext): Promise<Preview> {
    const confirmation = await this.confirmations.issue(actor.key, action, payload);
    return { kind: 'confirm', action, text: this.messages.render(key, { ...this.personContext(target), ...context }), target: this.view(target), channels: [], confirmation };
  }

  private codeResult(action: 'renewal_code' | 'approve', key: MessageKey, target: EntPerson, code: string): ActionResult {
    const handOver = this.messages.render('hand_over', this.personContext(target));
    return { action, text: this.messages.render(key, { ...this.personContext(target), code, handOver }), target: this.view(target), renewalCode: code, handOver };
  }

  /** Counts the use first (refused past the limits), then lets the ENT act; a failed call does not count. */
  private async withUse<T>(actor: Actor, kind: UsageKind, target: { entUserId: string; login?: string | null; name?: string | null }, call: () => Promise<T>, action: string = kind): Promise<T> {
    const reservation = await this.reserve(actor, kind, `ent:${target.entUserId}`, target, action);
    try {
      return await this.entCall(actor, action, target, call);
    } catch (error) {
      await this.limiter.release(reservation);
      throw error;
    }
  }

  private async reserve(actor: Actor, kind: UsageKind, targetKey: string | null, target: AuditTarget, action: string = kind): Promise<Reservation> {
    try {
      return await this.limiter.reserve({ actorKey: actor.rateKey, targetKey, kind });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'RATE_LIMITED') {
        const limit = error.details?.limit === 'target' ? 'target' : 'actor';
        await this.record(actor, action, target, 'refused', `rate_limited_${limit}`);
        throw new DomainError('RATE_LIMITED', error.message, { limit, userMessage: this.messages.render(limit === 'target' ? 'rate_limited.target' : 'rate_limited.actor') });
      }
      throw error;
    }
  }

  /** ENT failures are audited where they happen: refused by the ENT's own rules, or failed. */
  private async entCall<T>(actor: Actor, action: string, target: AuditTarget, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'ENT_REFUSED' || error.code === 'ENT_UNAVAILABLE' || error.code === 'ENT_LINK_EXPIRED')) {
        const refused = error.code !== 'ENT_UNAVAILABLE';
        await this.record(actor, action, target, refused ? 'refused' : 'failed', error.code.toLowerCase());
      }
      throw error;
    }
  }

  private async decideOrRefuse(actor: Actor, action: string, target: EntPerson | AuditTarget, decision: Decision, context: MessageContext = {}): Promise<void> {
    if (decision.allowed) return;
    if (target && 'profile' in target) await this.refuse(actor, action, personTarget(target), decision.refusal, { ...this.personContext(target), ...context });
    await this.refuse(actor, action, target as AuditTarget, decision.refusal, context);
  }

  /** Audits the refusal, then throws it with the sentence the person reads. */
  private async refuse(actor: Actor, action: string, target: AuditTarget, refusal: Refusal | RefusalKey, extra: MessageContext = {}): Promise<never> {
    const reason = typeof refusal === 'string' ? refusal : refusal.reason;
    await this.record(actor, action, target, 'refused', reason);
    const context: MessageContext = { ...extra };
    if (typeof refusal !== 'string') {
      if (refusal.level) Object.assign(context, { primary: refusal.level === 'primary', secondary: refusal.level === 'secondary' });
      if (refusal.massBlock) Object.assign(context, { since: parisTime(refusal.massBlock.since), profile: refusal.massBlock.profile });
    }
    throw this.refusalError(reason, context, `Refused: ${reason}.`);
  }

  private refusalError(reason: RefusalKey | Refusal['reason'], context: MessageContext, message: string): DomainError {
    return new DomainError('ACCOUNT_ACTION_REFUSED', message, { reason, userMessage: this.messages.render(`refused.${reason}` as MessageKey, context) });
  }

  private async record(actor: Actor, action: string, target: AuditTarget, outcome: 'done' | 'refused' | 'failed' | 'requested', reason: string | null = null, details: Record<string, string | number | boolean | null> = {}): Promise<void> {
    await this.audit.append({ actor: { key: actor.key, entUserId: actor.entUserId, name: actor.name, channel: actor.channel }, action, target, outcome, reason, details });
  }

  /** Every DomainError leaves with a French sentence for the chat. */
  private async withUserMessage<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof DomainError && !error.details?.userMessage) {
        const key = ERROR_MESSAGES[error.code];
        if (key) throw new DomainError(error.code, error.message, { ...error.details, userMessage: this.messages.render(key) });
      }
      throw error;
    }
  }

  private async levelOf(structureId: string | null): Promise<SchoolLevel> {
    if (!structureId) return 'unknown';
    return (await this.directory.findSchoolByStructureId(structureId))?.level ?? 'unknown';
  }

  private levelOfPerson(person: EntPerson): Promise<SchoolLevel> {
    return this.levelOf(person.structures[0]?.id ?? null);
  }

  private personContext(person: EntPerson): MessageContext {
    return {
      name: person.displayName,
      login: person.login,
      schools: person.structures.map((s) => s.name).join(', '),
      classes: person.classes.map((c) => c.name).join(', '),
      isPupil: person.profile === 'Student',
      path: credentialsPath(person),
    };
  }

  private view(person: EntPerson): PersonView {
    return {
      id: person.id,
      login: person.login,
      displayName: person.displayName,
      profile: person.profile,
      schools: person.structures.map((s) => s.name),
      classes: person.classes.map((c) => c.name),
      maskedEmail: person.maskedEmail,
      maskedMobile: person.maskedMobile,
      activated: person.activated,
      blocked: person.blocked,
    };
  }
}

type RefusalKey = 'not_linked' | 'login_required' | 'structure_required' | 'approval_pending' | 'self_not_activated' | 'target_blocked' | 'channel_required' | 'not_an_approver';

/** An act_as key's limit: the action must concern one of its schools. */
function inLimit(actor: Actor, structureIds: readonly string[]): boolean {
  return actor.within === null || structureIds.some((s) => actor.within!.includes(s));
}

function personTarget(person: EntPerson): { entUserId: string; login: string; name: string } {
  return { entUserId: person.id, login: person.login, name: person.displayName };
}

function chatIdentityOf(requesterKey: string): ChatIdentity | null {
  const [channel, ...rest] = requesterKey.split(':');
  if (channel !== 'slack' && channel !== 'discord' && channel !== 'webchat') return null;
  return { channel, externalId: rest.join(':') };
}

const PARIS = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });

function parisTime(date: Date): string {
  return PARIS.format(date);
}
