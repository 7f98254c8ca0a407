import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

/** How many products one request may carry; the workflow sends them on in batches of 1,000. */
export const MAX_PRODUCTS_PER_SYNC = 100_000;
/** The most unprocessed results GET answers in one page. */
export const MAX_RESULTS_PAGE = 1000;

const NOT_BLANK = /\S/;
const NOT_BLANK_MESSAGE = 'must not be blank';

/** class-validator runs decorators bottom-up and we keep the first failure: the basic check sits lowest. */
export class SyncProductDto {
  @ApiProperty({ example: 'CAPPUCCINO-L', description: 'The product code at CRM.COM (the upsert key)' })
  @Matches(NOT_BLANK, { message: NOT_BLANK_MESSAGE })
  @Length(1, 100)
  @IsString()
  @IsDefined({ message: 'is required' })
  code: string;

  @ApiPropertyOptional({ example: 'CAP-L' })
  @Length(1, 100)
  @IsString()
  @IsOptional()
  alternativeCode?: string;

  @ApiPropertyOptional({ example: 'Cappuccino, large' })
  @Length(1, 500)
  @IsString()
  @IsOptional()
  description?: string;

  @ApiPropertyOptional({ example: 'Hot Coffee', description: 'Must exist at CRM.COM, or the product comes back unprocessed' })
  @Length(1, 100)
  @IsString()
  @IsOptional()
  familyCode?: string;

  @ApiPropertyOptional({ example: 'House' })
  @Length(1, 100)
  @IsString()
  @IsOptional()
  brandCode?: string;
}

export class SyncProductsDto {
  @ApiProperty({ type: [SyncProductDto], description: `1 to ${MAX_PRODUCTS_PER_SYNC} products` })
  @ValidateNested({ each: true })
  @Type(() => SyncProductDto)
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

  @ApiPropertyOptional({ default: 100, maximum: MAX_RESULTS_PAGE, description: 'Unprocessed results to answer' })
  @Max(MAX_RESULTS_PAGE)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  @IsOptional()
  limit?: number;
}
