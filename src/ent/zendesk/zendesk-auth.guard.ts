import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { ApiKeyService, AuthenticatedKey } from '../../auth/api-key.service';
import { Scope } from '../../auth/scopes';
import { DomainError } from '../../common/errors';

export const ESCALATE_SCOPE: Scope = 'ent:escalate';

type KeyedRequest = Request & { zendeskKey?: AuthenticatedKey };

/**
 * The key the ENT's connector presents, the ways Zendesk takes one: the
 * header the connector is configured to send (`zendesk-remote.headers`),
 * `Authorization: Bearer <key>` or Zendesk's API-token form
 * `Authorization: Basic base64("<email>/token:<key>")` (the email is not
 * checked: the key is who calls). Anything else is no key.
 */
export function presentedKey(header: string | undefined): string | null {
  const match = header ? /^(Bearer|Basic)[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  if (!match) return null;
  if (match[1].toLowerCase() === 'bearer') return match[2];
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(match[2])) return null;
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || !decoded.slice(0, colon).endsWith('/token')) return null;
  return decoded.slice(colon + 1);
}

/** Only keys with the `ent:escalate` scope, and that scope opens nothing but these routes (no other route lists it). */
@Injectable()
export class ZendeskAuthGuard implements CanActivate {
  constructor(private readonly keys: ApiKeyService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    const presented = presentedKey(request.header('authorization'));
    const key = presented ? await this.keys.authenticate(presented) : null;
    if (!key) {
      throw new DomainError('UNAUTHENTICATED', `A valid API key with the ${ESCALATE_SCOPE} scope is required (Authorization: Bearer rk_… or Basic base64("email/token:rk_…")).`);
    }
    if (!key.scopes.includes(ESCALATE_SCOPE)) throw new DomainError('FORBIDDEN_SCOPE', `This API key lacks the scope ${ESCALATE_SCOPE}.`);
    request.zendeskKey = key;
    return true;
  }
}

export const ZendeskKey = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedKey => {
  const key = context.switchToHttp().getRequest<KeyedRequest>().zendeskKey;
  if (!key) throw new Error('ZendeskKey used on a route without ZendeskAuthGuard');
  return key;
});
