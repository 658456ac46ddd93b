import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, AppOptions } from './app.module';
import { AppConfig } from './config/config';
import { AllExceptionsFilter } from './common/http/exception.filter';
import { useBodyParsing } from './common/http/body-parsing';
import { zendeskBodyReader } from './ent/zendesk/zendesk-body-parsing';
import { answerClientErrors } from './common/http/client-error';
import { requestContext } from './common/http/request-context.middleware';
import { JsonLogger } from './common/logging/json-logger';

/** Builds the HTTP application; `main.ts` listens, tests and benches call it directly. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<NestExpressApplication> {
  const logger = new JsonLogger(config.logLevel, config.logStream);
  // rawBody: signed webhooks (ENT intake, Slack) are verified over the exact bytes received (kept by the parsers of body-parsing.ts).
  // bodyParser: false, the parsers are registered below, after the request id, in a set order.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    logger,
    rawBody: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.use(requestContext(logger));
  // The Zendesk-compatible routes read raw uploads and the ENT's mislabelled charset, for themselves only.
  useBodyParsing(app, [zendeskBodyReader(config.zendesk)]);
  answerClientErrors(app.getHttpServer(), logger);
  app.useGlobalFilters(new AllExceptionsFilter(logger));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Relais')
      .setDescription('Help desk for ENT school workspaces: tickets, ENT Assistance intake, knowledge base.')
      .setVersion('1')
      .addBearerAuth()
      .addBasicAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);
  return app;
}
