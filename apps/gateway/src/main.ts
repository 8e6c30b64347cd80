import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { gatewaySchema, loadConfig } from '@acd/config';
import { AppModule } from './app.module';
import { consoleFiles } from './console/console-files';
import { StoreUnavailableFilter } from './common/store-unavailable.filter';
import { wellFormedPath } from './common/well-formed-unicode';
import { sizeInBytes, taxiiEdge } from './taxii/taxii-edge';

async function bootstrap(): Promise<void> {
  const cfg = loadConfig(gatewaySchema);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // A path whose percent-encoding is not UTF-8 answers 400 here, not with the router's HTML page.
  app.use(wellFormedPath);
  // The web console at `/`, public (it must load before anyone signs in); it never answers a
  // path of the API's.
  app.use(consoleFiles(cfg.ACD_DASHBOARD_DIR));
  // TAXII's own media types and size limit, answered as TAXII errors (406, 415, 413).
  app.use('/taxii2', taxiiEdge(sizeInBytes(cfg.ACD_TAXII_MAX_CONTENT)));
  // An oversized body is refused with 413 before it is parsed.
  app.useBodyParser('json', { limit: cfg.ACD_MAX_BODY });
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  // The store down answers 503 with Retry-After (commands still go through: Kafka is the record).
  app.useGlobalFilters(new StoreUnavailableFilter(app.getHttpAdapter()));
  const doc = new DocumentBuilder()
    .setTitle('ACD threat-sharing bus')
    .setDescription(
      'Threat indicators and mandatory incident reporting over Kafka. TLP 2.0 and report confidentiality are enforced on every read; items you may not read answer 404.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addBasicAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'docs-json',
  });
  // Clients must give up an idle keep-alive connection before the server does: when the server
  // closes one (Node's default is after 5 s) just as a client sends on it, the request fails with
  // ECONNRESET and the client cannot know whether it was received. Node's fetch drops idle
  // connections after 4 s, browsers and load balancers within 60 s; the server waits longer.
  const server = app.getHttpServer();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = Math.min(66_000, cfg.ACD_REQUEST_TIMEOUT_MS);
  server.requestTimeout = cfg.ACD_REQUEST_TIMEOUT_MS;
  await app.listen(cfg.PORT, cfg.HOST);
  app.get(Logger).log(`gateway listening on http://${cfg.HOST}:${cfg.PORT} (OpenAPI at /docs)`);
  if (!existsSync(path.join(cfg.ACD_DASHBOARD_DIR, 'index.html')))
    app
      .get(Logger)
      .warn(
        `no web console in ${cfg.ACD_DASHBOARD_DIR} (ACD_DASHBOARD_DIR): / answers 404 until ` +
          '`npm run build:dashboard` builds it',
      );
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
