import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Environment variables whose values must never appear in logs or error messages. */
export const SENSITIVE_ENV_KEYS = ['DATABASE_URL', 'REDIS_URL', 'ENT_INTAKE_SECRET', 'ACADEMIC_WEBHOOK_SECRET', 'ENT_CLIENT_SECRET', 'ENT_TOKEN_KEY', 'DISCORD_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN'] as const;

/** A 256-bit key written in base64 (`openssl rand -base64 32`). */
const base64Key = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=$/, 'the base64 of 32 random bytes (openssl rand -base64 32)')
  .transform((v) => Buffer.from(v, 'base64'));

const zendeskFieldId = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

function zendeskFields(env: Record<`ZENDESK_FIELD_${string}`, number>): number[] {
  return [
    env.ZENDESK_FIELD_REQUESTER_NAME,
    env.ZENDESK_FIELD_MANAGER_NAME,
    env.ZENDESK_FIELD_PHONE,
    env.ZENDESK_FIELD_ENT_TICKET_ID,
    env.ZENDESK_FIELD_SCHOOL_NAME,
    env.ZENDESK_FIELD_SCHOOL_UAI,
  ];
}

/** The one schema over process.env: validated once at boot. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    LOG_STREAM: z.enum(['stdout', 'stderr']).default('stdout'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    QUEUE_PREFIX: z.string().min(1).default('relais'),
    DEMO_DATA: booleanFromEnv.optional(),
    TICKET_REFERENCE_PREFIX: z
      .string()
      .regex(/^[A-Z]{2,6}$/, 'two to six capital letters')
      .default('AST'),
    ENT_INTAKE_SECRET: z.string().min(16, 'at least 16 characters').optional(),
    ENT_INTAKE_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
    API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
    ROUTING_RULES_FILE: z.string().min(1).optional(),
    SLA_HOLIDAYS: z
      .string()
      .optional()
      .transform((v) => (v ? v.split(',').map((d) => d.trim()).filter(Boolean) : []))
      .pipe(z.array(z.iso.date())),
    SLA_SWEEP_SECONDS: z.coerce.number().min(0.1).max(3600).default(5),
    SLA_CLAIM_SECONDS: z.coerce.number().min(0.1).max(3600).default(60),
    SLA_SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(5_000),
    OUTBOX_LEASE_SECONDS: z.coerce.number().min(0.1).max(3600).default(60),
    OUTBOX_SWEEP_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
    OUTBOX_RELAY_SECONDS: z.coerce.number().min(0.1).max(3600).default(2),
    ACADEMIC_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    ACADEMIC_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
    ACADEMY_NAME: z.string().min(1).optional(),
    ENT_URL: z.url({ protocol: /^https?$/ }).optional(),
    ENT_CLIENT_ID: z.string().min(1).optional(),
    ENT_CLIENT_SECRET: z.string().min(1).optional(),
    ENT_ADAPTER: z.enum(['sandbox', 'entcore']).default('sandbox'),
    ENT_TOKEN_KEY: base64Key.optional(),
    ENT_OAUTH_SCOPE: z.string().trim().min(1).default('userinfo auth directory admin'),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    ACCOUNT_ACTIONS_ACTOR_LIMIT: z.coerce.number().int().min(1).max(1000).default(20),
    ACCOUNT_ACTIONS_SWEEP_SECONDS: z.coerce.number().min(0.1).max(3600).default(60),
    ZENDESK_BASE_PATH: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'empty, or a path such as /zendesk (no trailing slash)')
      .default(''),
    ZENDESK_FIELD_REQUESTER_NAME: zendeskFieldId.default(1),
    ZENDESK_FIELD_MANAGER_NAME: zendeskFieldId.default(2),
    ZENDESK_FIELD_PHONE: zendeskFieldId.default(3),
    ZENDESK_FIELD_ENT_TICKET_ID: zendeskFieldId.default(4),
    ZENDESK_FIELD_SCHOOL_NAME: zendeskFieldId.default(5),
    ZENDESK_FIELD_SCHOOL_UAI: zendeskFieldId.default(6),
    ZENDESK_ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(10 * 1024 * 1024),
    ZENDESK_ATTACHMENT_TYPES: z
      .string()
      .optional()
      .transform((v) => (v ? v.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean) : undefined))
      .pipe(z.array(z.string().regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/, 'a media type such as image/png')).min(1).optional()),
    ZENDESK_EXPORT_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(1000),
    DISCORD_TOKEN: z.string().min(1).optional(),
    DISCORD_APPLICATION_ID: z.string().regex(/^\d{5,25}$/, 'a Discord snowflake (digits)').optional(),
    DISCORD_GUILD_ID: z.string().regex(/^\d{5,25}$/, 'a Discord snowflake (digits)').optional(),
    DISCORD_API_URL: z.url({ protocol: /^https?$/ }).default('https://discord.com/api'),
    WEBCHAT_FRAME_ANCESTORS: z
      .string()
      .optional()
      .transform((v) => (v ? v.split(/[\s,]+/).filter(Boolean) : []))
      .pipe(z.array(z.string().regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'an origin such as https://ent.example.fr (scheme, host, optional port)')).max(20)),
    WEBCHAT_SESSION_TURNS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
    WEBCHAT_ADDRESS_TURNS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
    WEBCHAT_ADDRESS_SESSIONS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(60),
    PRIVACY_SCHOOL_YEAR_END: z
      .string()
      .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a month and day, MM-DD (08-31: the 31st of August)')
      .default('08-31'),
    PRIVACY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
    PRIVACY_TIME_ZONE: z
      .string()
      .refine((zone) => { try { new Intl.DateTimeFormat('fr-FR', { timeZone: zone }); return true; } catch { return false; } }, 'an IANA time zone such as Europe/Paris')
      .default('Europe/Paris'),
    PRIVACY_SWEEP_SECONDS: z.coerce.number().min(1).max(86_400).default(3600),
    SLACK_SIGNING_SECRET: z.string().min(8).optional(),
    SLACK_BOT_TOKEN: z.string().regex(/^xoxb-[\w-]+$/, 'a bot token (xoxb-…)').optional(),
    SLACK_API_URL: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
    SLACK_SUPPORT_CHANNEL_ID: z.string().regex(/^[CG][A-Z0-9]{4,20}$/, 'a Slack channel id (C…)').optional(),
  })
  .refine((env) => !env.ACADEMIC_WEBHOOK_URL || env.ACADEMIC_WEBHOOK_SECRET, {
    message: 'ACADEMIC_WEBHOOK_URL needs ACADEMIC_WEBHOOK_SECRET to sign its requests',
    path: ['ACADEMIC_WEBHOOK_SECRET'],
  })
  .refine((env) => !env.ENT_URL || (env.ENT_CLIENT_ID && env.ENT_CLIENT_SECRET), {
    message: 'ENT_URL needs ENT_CLIENT_ID and ENT_CLIENT_SECRET',
    path: ['ENT_CLIENT_SECRET'],
  })
  .refine((env) => env.ENT_ADAPTER !== 'entcore' || (env.ENT_URL && env.ENT_TOKEN_KEY), {
    message: 'ENT_ADAPTER=entcore needs ENT_URL, ENT_CLIENT_ID, ENT_CLIENT_SECRET and ENT_TOKEN_KEY',
    path: ['ENT_ADAPTER'],
  })
  .refine((env) => new Set(zendeskFields(env)).size === 6, {
    message: 'the six ZENDESK_FIELD_* ids must differ',
    path: ['ZENDESK_FIELD_REQUESTER_NAME'],
  })
  .refine((env) => !env.DISCORD_TOKEN || env.DISCORD_APPLICATION_ID, {
    message: 'DISCORD_TOKEN needs DISCORD_APPLICATION_ID (the application whose commands are registered)',
    path: ['DISCORD_APPLICATION_ID'],
  })
  .refine((env) => !env.SLACK_BOT_TOKEN === !env.SLACK_SIGNING_SECRET, {
    message: 'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET go together (the Slack app is on with both)',
    path: ['SLACK_SIGNING_SECRET'],
  })
  .transform((env) => ({
    nodeEnv: env.NODE_ENV,
    http: { port: env.PORT, host: env.HOST },
    logLevel: env.LOG_LEVEL,
    logStream: env.LOG_STREAM,
    database: env.DATABASE_URL
      ? ({ kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE } as const)
      : ({ kind: 'pglite', dataDir: env.DATA_DIR } as const),
    queue: env.REDIS_URL
      ? ({ kind: 'bull', redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX } as const)
      : ({ kind: 'in-process' } as const),
    // Demo data is on by default only for the embedded database.
    demoData: env.DEMO_DATA ?? !env.DATABASE_URL,
    tickets: { referencePrefix: env.TICKET_REFERENCE_PREFIX },
    entIntake: { secret: env.ENT_INTAKE_SECRET, maxAgeSeconds: env.ENT_INTAKE_MAX_AGE_SECONDS },
    apiKeys: { cacheSeconds: env.API_KEY_CACHE_SECONDS },
    routing: { rulesFile: env.ROUTING_RULES_FILE, extraHolidays: env.SLA_HOLIDAYS, slaSweepMs: env.SLA_SWEEP_SECONDS * 1000, slaClaimMs: env.SLA_CLAIM_SECONDS * 1000, slaSweepConcurrency: env.SLA_SWEEP_CONCURRENCY },
    outbox: {
      maxAttempts: env.OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: env.OUTBOX_RETRY_BASE_MS,
      leaseMs: env.OUTBOX_LEASE_SECONDS * 1000,
      sweepMs: env.OUTBOX_SWEEP_SECONDS * 1000,
      relayMs: env.OUTBOX_RELAY_SECONDS * 1000,
    },
    // Without a URL, escalations to academic support are recorded on the ticket timeline.
    academicWebhook: env.ACADEMIC_WEBHOOK_URL
      ? { url: env.ACADEMIC_WEBHOOK_URL, secret: env.ACADEMIC_WEBHOOK_SECRET!, academyName: env.ACADEMY_NAME }
      : null,
    // Without the ENT, updates for ENT tickets are recorded on the ticket timeline.
    ent: env.ENT_URL ? { url: env.ENT_URL.replace(/\/$/, ''), clientId: env.ENT_CLIENT_ID!, clientSecret: env.ENT_CLIENT_SECRET! } : null,
    // Guarded account actions: which ENT answers them, and the key that encrypts the ENT tokens people link.
    accounts: {
      adapter:
        env.ENT_ADAPTER === 'entcore'
          ? ({ kind: 'entcore', url: env.ENT_URL!.replace(/\/$/, ''), clientId: env.ENT_CLIENT_ID!, clientSecret: env.ENT_CLIENT_SECRET!, scope: env.ENT_OAUTH_SCOPE } as const)
          : ({ kind: 'sandbox' } as const),
      tokenKey: env.ENT_TOKEN_KEY ?? null,
      publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
      actorLimitPerHour: env.ACCOUNT_ACTIONS_ACTOR_LIMIT,
      sweepMs: env.ACCOUNT_ACTIONS_SWEEP_SECONDS * 1000,
    },
    // The Zendesk-compatible intake of a stock ENT's support module (src/ent/zendesk).
    zendesk: {
      basePath: env.ZENDESK_BASE_PATH,
      // Custom field ids of the ENT's `zendesk-escalation-conf`, by what they carry.
      fields: {
        requesterName: env.ZENDESK_FIELD_REQUESTER_NAME,
        managerName: env.ZENDESK_FIELD_MANAGER_NAME,
        phone: env.ZENDESK_FIELD_PHONE,
        entTicketId: env.ZENDESK_FIELD_ENT_TICKET_ID,
        schoolName: env.ZENDESK_FIELD_SCHOOL_NAME,
        schoolUai: env.ZENDESK_FIELD_SCHOOL_UAI,
      },
      // Without a list of types, the intake's own (documents, images, archives).
      attachments: { maxBytes: env.ZENDESK_ATTACHMENT_MAX_BYTES, types: env.ZENDESK_ATTACHMENT_TYPES ?? null },
      exportPageSize: env.ZENDESK_EXPORT_PAGE_SIZE,
    },
    // Retention (src/privacy): records go at the end of the school year after their last activity, or after a number of days.
    privacy: {
      retention: env.PRIVACY_RETENTION_DAYS
        ? ({ kind: 'days', days: env.PRIVACY_RETENTION_DAYS } as const)
        : ({ kind: 'school_year', endsOn: env.PRIVACY_SCHOOL_YEAR_END } as const),
      timeZone: env.PRIVACY_TIME_ZONE,
      sweepMs: env.PRIVACY_SWEEP_SECONDS * 1000,
    },
    // The Discord bot (src/bots/discord): off without a token.
    discord: env.DISCORD_TOKEN
      ? { token: env.DISCORD_TOKEN, applicationId: env.DISCORD_APPLICATION_ID!, guildId: env.DISCORD_GUILD_ID ?? null, apiUrl: env.DISCORD_API_URL.replace(/\/$/, '') }
      : null,
    // The web chat (src/bots/webchat): who may frame the widget, and how much an address or a session may send.
    webchat: {
      frameAncestors: env.WEBCHAT_FRAME_ANCESTORS,
      sessionTurnsPerMinute: env.WEBCHAT_SESSION_TURNS_PER_MINUTE,
      addressTurnsPerMinute: env.WEBCHAT_ADDRESS_TURNS_PER_MINUTE,
      addressSessionsPerHour: env.WEBCHAT_ADDRESS_SESSIONS_PER_HOUR,
    },
    // The Slack triage app (src/bots/slack): on with both its secrets.
    slack:
      env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET
        ? {
            botToken: env.SLACK_BOT_TOKEN,
            signingSecret: env.SLACK_SIGNING_SECRET,
            apiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/`,
            supportChannelId: env.SLACK_SUPPORT_CHANNEL_ID ?? null,
          }
        : null,
  }));

export type AppConfig = z.output<typeof envSchema>;
