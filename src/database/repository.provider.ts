import type { FactoryProvider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../core/config/app-config';
import { encryptionCodecFor, type TextSealer } from '../../core/temporal/encryption-codec';
import { APP_CONFIG } from '../config/config.module';

/**
 * The Nest provider of a core repository. core/ is framework-free, so its repositories are plain
 * classes over a DataSource; the module that needs one builds it from the API's DataSource with this.
 */
export function repositoryProvider<T>(repository: new (dataSource: DataSource) => T): FactoryProvider<T> {
  return { provide: repository, inject: [DataSource], useFactory: (dataSource: DataSource) => new repository(dataSource) };
}

/** The provider of a core repository that reads the checkouts projection: it opens the sealed coupon codes with the payload codec. */
export function projectionRepositoryProvider<T>(repository: new (dataSource: DataSource, codes: TextSealer) => T): FactoryProvider<T> {
  return { provide: repository, inject: [DataSource, APP_CONFIG], useFactory: (dataSource: DataSource, config: AppConfig) => new repository(dataSource, encryptionCodecFor(config)) };
}
