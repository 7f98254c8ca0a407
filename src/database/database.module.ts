import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { checkRuntimeRole, createRuntimeDataSource } from '../../core/database/data-source';

/** The API's DataSource as the runtime role (DATABASE_URL). Migrations run before start, as the owner. */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      // The runtime role, with its statement timeouts; production refuses an owner or superuser here.
      useFactory: async (config: AppConfig) => {
        const dataSource = await createRuntimeDataSource(config).initialize();
        try {
          await checkRuntimeRole(dataSource, config, (line) => console.error(line));
        } catch (err) {
          await dataSource.destroy();
          throw err;
        }
        return dataSource;
      },
    },
  ],
  exports: [DataSource],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
