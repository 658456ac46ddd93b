import { join } from 'node:path';
import { Body, Controller, Get, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { z } from 'zod';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { EntPort } from '../ent-port';
import { HtmlPages } from '../html-pages';
import { SANDBOX_CLIENT_ID } from './sandbox-ent.adapter';
import { PasswordChange, SandboxEnt } from './sandbox-ent';

const PAGES = ['login', 'reset', 'activation', 'message', 'mailbox'] as const;
type Page = (typeof PAGES)[number];

const field = z.string().max(500);
const oauthQuery = z.object({ response_type: z.literal('code'), client_id: z.literal(SANDBOX_CLIENT_ID), redirect_uri: z.string().max(500), state: z.string().min(1).max(200), scope: field.optional() });
const loginForm = z.object({ login: field.default(''), password: field.default(''), client_id: field.optional(), redirect_uri: field.optional(), state: field.optional() });
const resetForm = z.object({ ticket: field.default(''), login: field.default(''), password: field.default(''), confirmPassword: field.default('') });
const activationForm = resetForm.extend({ mail: field.default(''), phone: field.default(''), acceptCGU: field.optional() });
const mailboxForm = z.object({ address: z.string().trim().min(3).max(200) });

/**
 * The sandbox ENT's own pages (embedded default only): login (password,
 * activation code or renewal code), choosing a new password, activation,
 * the OAuth2 authorization page Relais sends people to when they link their
 * chat account, and a stand-in mailbox for the mail and SMS the ENT sends.
 */
@ApiExcludeController()
@Controller('sandbox-ent')
export class SandboxPagesController {
  private readonly pages = new HtmlPages<Page>(join(__dirname, 'pages'), PAGES);

  constructor(
    private readonly ent: SandboxEnt,
    private readonly port: EntPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('auth/login')
  loginPage(@Res() res: Response): void {
    this.send(res, 200, 'login', {});
  }

  @Get('auth/oauth2/auth')
  authorize(@Query() query: unknown, @Res() res: Response): void {
    const oauth = oauthQuery.safeParse(query);
    if (!oauth.success || !this.allowedRedirect(oauth.data.redirect_uri)) return this.send(res, 400, 'message', { invalidRequest: true });
    this.send(res, 200, 'login', { linking: true, oauth: { clientId: oauth.data.client_id, redirectUri: oauth.data.redirect_uri, state: oauth.data.state } });
  }

  @Post('auth/login')
  async login(@Body() body: unknown, @Res() res: Response): Promise<void> {
    const form = loginForm.safeParse(body ?? {});
    if (!form.success) return this.send(res, 400, 'message', { invalidRequest: true });
    const { login, password, client_id, redirect_uri, state } = form.data;
    const oauth = client_id === SANDBOX_CLIENT_ID && redirect_uri && state && this.allowedRedirect(redirect_uri) ? { clientId: client_id, redirectUri: redirect_uri, state } : null;
    const outcome = await this.ent.login(login, password);
    switch (outcome.kind) {
      case 'refused':
        return this.send(res, 401, 'login', { refused: true, login, oauth, linking: oauth !== null });
      case 'reset':
        return this.send(res, 200, 'reset', { ticket: outcome.ticket, login: outcome.login });
      case 'activation':
        return this.send(res, 200, 'activation', { ticket: outcome.ticket, login: outcome.login });
      case 'logged_in': {
        if (!oauth) return this.send(res, 200, 'message', { loggedIn: true, name: outcome.user.displayName });
        const code = await this.ent.issueAuthorizationCode(outcome.user.id, oauth.redirectUri);
        const target = new URL(oauth.redirectUri);
        target.searchParams.set('code', code);
        target.searchParams.set('state', oauth.state);
        res.setHeader('Cache-Control', 'no-store');
        res.redirect(302, target.toString());
        return;
      }
    }
  }

  @Post('auth/reset')
  async reset(@Body() body: unknown, @Res() res: Response): Promise<void> {
    const form = resetForm.safeParse(body ?? {});
    if (!form.success) return this.send(res, 400, 'message', { invalidRequest: true });
    const { ticket, login, password, confirmPassword } = form.data;
    const result = await this.ent.resetPassword(ticket, password, confirmPassword);
    if (result === 'done') return this.send(res, 200, 'login', { passwordChanged: true, login });
    this.changeFailed(res, 'reset', result, { ticket, login });
  }

  @Post('auth/activation')
  async activate(@Body() body: unknown, @Res() res: Response): Promise<void> {
    const form = activationForm.safeParse(body ?? {});
    if (!form.success) return this.send(res, 400, 'message', { invalidRequest: true });
    const { ticket, login, password, confirmPassword, mail, phone, acceptCGU } = form.data;
    const result = await this.ent.activate(ticket, { password, confirmation: confirmPassword, email: mail, mobile: phone, acceptsTerms: acceptCGU === 'true' });
    if (result === 'done') return this.send(res, 200, 'login', { activated: true, login });
    this.changeFailed(res, 'activation', result, { ticket, login });
  }

  @Get('mailbox')
  mailboxPage(@Res() res: Response): void {
    this.send(res, 200, 'mailbox', {});
  }

  @Post('mailbox')
  async mailbox(@Body() body: unknown, @Res() res: Response): Promise<void> {
    const form = mailboxForm.safeParse(body ?? {});
    if (!form.success) return this.send(res, 400, 'mailbox', {});
    const messages = await this.ent.readMailbox(form.data.address);
    const at = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
    this.send(res, 200, 'mailbox', {
      shown: true,
      address: form.data.address,
      messages: messages.map((m) => ({ isMail: m.channel === 'mail', address: m.address, code: m.code, at: at.format(m.at) })),
    });
  }

  private changeFailed(res: Response, page: 'reset' | 'activation', result: Exclude<PasswordChange, 'done'>, context: { ticket: string; login: string }): void {
    if (result === 'invalid_ticket') return this.send(res, 400, 'message', { invalidTicket: true });
    const flag = { weak: 'weak', mismatch: 'mismatch', cgu: 'cgu', invalid_contact: 'invalidContact' }[result];
    this.send(res, 422, page, { ...context, [flag]: true });
  }

  /** Only Relais's own callback may receive an authorization code. */
  private allowedRedirect(uri: string): boolean {
    return uri === `${this.config.accounts.publicUrl}/link/callback`;
  }

  private send(res: Response, status: number, page: Page, context: Record<string, unknown>): void {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    if (this.port.kind !== 'sandbox') {
      res.status(404).type('html').send(this.pages.render('message', { unavailable: true }));
      return;
    }
    res.status(status).type('html').send(this.pages.render(page, context));
  }
}
