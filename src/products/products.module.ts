import { Module } from '@nestjs/common';
import { ProductSyncsRepository } from '../../core/products/product-syncs.repository';
import { repositoryProvider } from '../database/repository.provider';
import { ProductsController } from './products.controller';
import { ProductsService } from './products.service';

@Module({ controllers: [ProductsController], providers: [ProductsService, repositoryProvider(ProductSyncsRepository)] })
export class ProductsModule {}
