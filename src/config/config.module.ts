import { Global, Module } from '@nestjs/common';
import { loadConfig, type AppConfig } from '../../core/config/app-config';

/** DI token of the validated configuration. */
export const APP_CONFIG = Symbol('AppConfig');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig = loadConfig()) {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
