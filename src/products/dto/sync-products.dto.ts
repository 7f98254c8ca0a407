import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsInt, IsObject, IsOptional, Min, ValidateNested } from 'class-validator';
import { NotBlankText, OptionalText, PageLimit } from '../../common/dto-fields';

/** How many products one request may carry; the workflow sends them on in batches of 1,000. */
export const MAX_PRODUCTS_PER_SYNC = 100_000;
/** The most unprocessed results GET answers in one page. */
export const MAX_RESULTS_PAGE = 1000;

/** class-validator runs decorators bottom-up and we keep the first failure: the basic check sits lowest. */
export class SyncProductDto {
  @NotBlankText(100, { example: 'CAPPUCCINO-L', description: 'The product code at CRM.COM (the upsert key)' })
  code: string;

  @OptionalText([1, 100], { example: 'CAP-L' })
  alternativeCode?: string;

  @OptionalText([1, 500], { example: 'Cappuccino, large' })
  description?: string;

  @OptionalText([1, 100], { example: 'Hot Coffee', description: 'Must exist at CRM.COM, or the product comes back unprocessed' })
  familyCode?: string;

  @OptionalText([1, 100], { example: 'House' })
  brandCode?: string;
}

export class SyncProductsDto {
  @ApiProperty({ type: [SyncProductDto], description: `1 to ${MAX_PRODUCTS_PER_SYNC} products` })
  @ValidateNested({ each: true })
  @Type(() => SyncProductDto)
  // ValidateNested validates the items of an item that is itself a list: [[{code}]] passed, then a
  // null code reached Postgres (a 500, found by the fuzz suite).
  @IsObject({ each: true, message: 'each product must be an object' })
  @ArrayMaxSize(MAX_PRODUCTS_PER_SYNC)
  @ArrayMinSize(1)
  @IsArray()
  @IsDefined({ message: 'is required' })
  products: SyncProductDto[];
}

export class ProductSyncResultsQueryDto {
  @ApiPropertyOptional({ default: 0, description: 'Unprocessed results to skip' })
  @Min(0)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  offset?: number;

  @PageLimit({ default: 100, maximum: MAX_RESULTS_PAGE, description: 'Unprocessed results to answer' })
  limit?: number;
}
