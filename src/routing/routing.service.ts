import { Inject, Injectable } from '@nestjs/common';
import { DirectoryService } from '../directory/directory.service';
import { OTHER_INTENT } from './intents';
import { Profile } from '../directory/profiles';
import { QueueKind } from './routing-rules';
import { routeFor } from './route-table';
import { ROUTING_RULES, RoutingRules, TierRule } from './routing-rules';

/** Where a ticket goes: its tier, the queue it waits in and the group of people who handle it. */
export interface Placement {
  tier: string;
  queueKind: QueueKind;
  /** The school, circonscription or académie of the queue; null for the editor, for a redirect, or when the school is unknown. */
  queueId: string | null;
  assigneeGroup: string | null;
}

/** The ticket fields for a placement: the queue's group holds it, no one person yet. */
export function queuedIn(placement: Placement) {
  const { tier, queueKind, queueId, assigneeGroup } = placement;
  return { tier, queueKind, queueId, assigneeGroup, assigneeId: null, assigneeName: null };
}

@Injectable()
export class RoutingService {
  constructor(
    @Inject(ROUTING_RULES) readonly rules: RoutingRules,
    private readonly directory: DirectoryService,
  ) {}

  tierRule(tier: string): TierRule {
    const rule = this.rules.tiers[tier];
    if (!rule) throw new RangeError(`unknown tier ${tier}`);
    return rule;
  }

  /** The routing table's answer for a new ticket; an unclassified one counts as `other`. */
  async place(ticket: { intent: string | null; profile: Profile | null; schoolStructureId: string | null }): Promise<Placement> {
    return this.placeIn(routeFor(ticket.intent ?? OTHER_INTENT, ticket.profile), ticket.schoolStructureId);
  }

  /** The queue of a given tier for a ticket of this school (escalation, forwarding). */
  async placeIn(tier: string, schoolStructureId: string | null): Promise<Placement> {
    const rule = this.tierRule(tier);
    return { tier, queueKind: rule.queue, queueId: await this.queueId(rule, schoolStructureId), assigneeGroup: rule.group ?? null };
  }

  private async queueId(rule: TierRule, schoolStructureId: string | null): Promise<string | null> {
    if (rule.queue === 'none' || rule.queue === 'editor' || !schoolStructureId) return null;
    const school = await this.directory.findSchoolByStructureId(schoolStructureId);
    if (!school) return null;
    if (rule.queue === 'school') return school.id;
    if (rule.queue === 'circonscription') return school.circonscriptionId;
    return (await this.directory.findCirconscription(school.circonscriptionId))?.academyId ?? null;
  }
}
