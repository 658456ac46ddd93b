import { join } from 'node:path';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { DomainError } from '../../common/errors';
import { HtmlPages } from '../../ent/html-pages';
import { callbackQuerySchema, linkPageQuerySchema } from '../dto/account-actions.schemas';
import { LinkingService } from './linking.service';

const PAGES = ['link-result'] as const;

/** The browser side of linking: the one-time link, then the ENT's redirect back. Tokens travel in the query, which is never logged. */
@ApiExcludeController()
@Controller('link')
export class LinkingController {
  private readonly pages = new HtmlPages<(typeof PAGES)[number]>(join(__dirname, '..', 'pages'), PAGES);

  constructor(private readonly linking: LinkingService) {}

  @Get()
  async begin(@Query() query: unknown, @Res() res: Response): Promise<void> {
    const parsed = linkPageQuerySchema.safeParse(query);
    if (!parsed.success) return this.send(res, 404, { invalid: true });
    try {
      const target = await this.linking.begin(parsed.data.token);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.redirect(302, target);
    } catch (error) {
      this.failed(res, error);
    }
  }

  @Get('callback')
  async callback(@Query() query: unknown, @Res() res: Response): Promise<void> {
    const parsed = callbackQuerySchema.safeParse(query);
    if (!parsed.success || !parsed.data.code) return this.send(res, 400, { denied: true });
    try {
      const { identity, account } = await this.linking.complete(parsed.data.state, parsed.data.code);
      this.send(res, 200, {
        linked: true,
        name: account.displayName,
        login: account.login,
        isSlack: identity.channel === 'slack',
        isWebchat: identity.channel === 'webchat',
        chatName: identity.displayName ?? null,
      });
    } catch (error) {
      this.failed(res, error);
    }
  }

  private failed(res: Response, error: unknown): void {
    if (!(error instanceof DomainError)) throw error;
    switch (error.code) {
      case 'LINK_INVALID':
        return this.send(res, 404, { invalid: true });
      case 'LINK_USED':
        return this.send(res, 409, { used: true });
      case 'LINK_EXPIRED':
        return this.send(res, 410, { expired: true });
      case 'ENT_REFUSED':
      case 'ENT_LINK_EXPIRED':
        return this.send(res, 400, { denied: true });
      default:
        return this.send(res, 502, { unavailable: true });
    }
  }

  private send(res: Response, status: number, context: Record<string, unknown>): void {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.status(status).type('html').send(this.pages.render('link-result', context));
  }
}
