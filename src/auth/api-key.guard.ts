import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { DomainError } from '../common/errors';
import { ApiKeyService, AuthenticatedKey } from './api-key.service';
import { Scope } from './scopes';

const SCOPES_METADATA = 'relais:required-scopes';

/** The key must carry at least one of these scopes. */
export const RequireScopes = (...scopes: Scope[]): MethodDecorator & ClassDecorator => SetMetadata(SCOPES_METADATA, scopes);

export interface Caller {
  key: AuthenticatedKey;
  /** The ENT user the caller acts for: a personal key's person, or the one X-On-Behalf-Of names (act_as keys only). */
  actorId: string | null;
}

type CallerRequest = Request & { caller?: Caller };

const ACTOR_PATTERN = /^[\w.@:-]{1,128}$/;

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<CallerRequest>();
    const header = request.header('authorization');
    const presented = header?.startsWith('Bearer ') ? header.slice(7).trim() : request.header('x-api-key');
    const key = presented ? await this.keys.authenticate(presented) : null;
    if (!key) throw new DomainError('UNAUTHENTICATED', 'A valid API key is required (Authorization: Bearer rk_…).');
    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required && !required.some((scope) => key.scopes.includes(scope))) {
      throw new DomainError('FORBIDDEN_SCOPE', `This API key lacks the scope ${required.join(' or ')}.`);
    }
    const actor = request.header('x-on-behalf-of')?.trim() || null;
    if (actor !== null && !ACTOR_PATTERN.test(actor)) {
      throw new DomainError('VALIDATION_FAILED', 'X-On-Behalf-Of must be an ENT user id.', {
        errors: [{ path: 'X-On-Behalf-Of', message: 'expected 1 to 128 letters, digits or . _ @ : -' }],
      });
    }
    request.caller = { key, actorId: this.actorOf(key, actor) };
    return true;
  }

  /** Nobody acts for someone else without the right to: a personal key for its person, an act_as key for whom it names. */
  private actorOf(key: AuthenticatedKey, named: string | null): string | null {
    if (key.person) {
      if (named !== null && named !== key.person) {
        throw new DomainError('FORBIDDEN_SCOPE', 'This personal API key acts for its own person only: leave X-On-Behalf-Of out.');
      }
      return key.person;
    }
    if (named !== null && !key.scopes.includes('act_as')) {
      throw new DomainError('FORBIDDEN_SCOPE', 'This API key may not act for someone else: X-On-Behalf-Of needs the act_as scope.');
    }
    return named;
  }
}

export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<CallerRequest>().caller;
  if (!caller) throw new Error('CurrentCaller used on a route without ApiKeyGuard');
  return caller;
});
