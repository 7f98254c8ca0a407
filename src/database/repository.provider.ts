import type { FactoryProvider } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The Nest provider of a core repository. core/ is framework-free, so its repositories are plain
 * classes over a DataSource; the module that needs one builds it from the API's DataSource with this.
 */
export function repositoryProvider<T>(repository: new (dataSource: DataSource) => T): FactoryProvider<T> {
  return { provide: repository, inject: [DataSource], useFactory: (dataSource: DataSource) => new repository(dataSource) };
}
