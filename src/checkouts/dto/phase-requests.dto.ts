import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { AMOUNT, AMOUNT_MESSAGE, SpendDto } from './create-checkout.dto';

/** POST /v1/checkouts/{id}/commit: optionally change the wallet spend asked for at reserve. */
export class CommitCheckoutDto {
  @ApiPropertyOptional({ type: SpendDto })
  @Type(() => SpendDto)
  @ValidateNested()
  @IsObject()
  @IsOptional()
  spend?: SpendDto;
}

export class TenderDto {
  @ApiProperty({ example: '12.00', description: 'What the customer paid' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  @IsString()
  @IsDefined({ message: 'is required' })
  paid: string;

  @ApiProperty({ example: 'card' })
  @Length(1, 40)
  @IsString()
  @IsDefined({ message: 'is required' })
  method: string;
}

/** POST /v1/checkouts/{id}/complete, after the POS took payment. */
export class CompleteCheckoutDto {
  @ApiPropertyOptional({ type: TenderDto })
  @Type(() => TenderDto)
  @ValidateNested()
  @IsObject()
  @IsOptional()
  tender?: TenderDto;
}
