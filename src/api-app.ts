import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { BEARER_SCHEME, HEADER_SCHEME } from './access/access.decorators';
import { AppModule } from './app.module';
import type { AppConfig } from '../core/config/app-config';
import { Registry } from 'prom-client';
import { jsonBody } from './common/json-body';
import { countRequests } from './metrics/api-metrics';
import { NulCharacterPipe } from './common/nul-characters';
import { DEFAULT_JSON_BODY_BYTES } from './common/json-body-limits';
import { finishOpenApiDocument, servesApiDocs } from './common/openapi-document';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { createValidationPipe } from './common/validation.pipe';

/** Builds the API exactly as it runs, for main.ts and for the tests that drive it over HTTP. */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  // Nest's own parsers would read 100 KB on every route: the API reads JSON with a limit per route.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: true, bodyParser: false });
  // First, so every answer is counted, a refused body too (/metrics).
  app.use(countRequests(app.get(Registry)));
  app.use(jsonBody());
  // Forms are not what the API takes, but they were always read: refused by validation, not unread.
  app.useBodyParser('urlencoded', { extended: true, limit: DEFAULT_JSON_BODY_BYTES });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new NulCharacterPipe(), createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  const openApi = new DocumentBuilder()
    .setTitle('checkout-saga')
    .setDescription('POS checkout orchestration across CRM.COM, Capillary, Coupontools and CMC. Amounts are decimal strings in the checkout currency; errors are application/problem+json.')
    .setVersion('0.1.0')
    // Every endpoint but the probes needs an API key; each one's description names the roles it allows.
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'cs_<keyId>_<secret>', description: 'API key: Authorization: Bearer cs_<keyId>_<secret>' }, BEARER_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same API key in its own header' }, HEADER_SCHEME)
    .build();
  const serverUrl = config.API_PUBLIC_URL ?? `http://localhost:${config.API_PORT}`;
  if (servesApiDocs(config)) SwaggerModule.setup('docs', app, () => finishOpenApiDocument(SwaggerModule.createDocument(app, openApi), serverUrl));
  return app;
}
