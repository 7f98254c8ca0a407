import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of the batch answers; money is decimal strings in each sale's currency. */
export class CheckoutBatchAcceptedDto {
  @ApiProperty({ example: 'b-3f1c…' }) batchId: string;
  @ApiProperty({ example: 500 }) sales: number;
  @ApiProperty({ description: 'true: this batch was uploaded before and nothing new was started' }) replayed: boolean;
}

export class CheckoutBatchCountsDto {
  @ApiProperty() total: number;
  @ApiProperty() completed: number;
  @ApiProperty() rejected: number;
  @ApiProperty() failed: number;
  @ApiProperty() pending: number;
}

export class CheckoutBatchReceiptDto {
  @ApiProperty({ example: '10.00' }) total: string;
  @ApiProperty({ example: '10.00' }) amountDue: string;
  @ApiProperty({ example: '0.10' }) awarded: string;
  @ApiProperty({ example: '0.00' }) spent: string;
  @ApiProperty() pointsRedeemed: number;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Effects a vendor refused after payment' }) exceptions: object[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) references: Record<string, string>;
}

export class CheckoutBatchSaleResultDto {
  @ApiProperty() position: number;
  @ApiProperty() posReference: string;
  @ApiProperty({ example: 'checkout:demo:S1:T1:REF0001' }) checkoutId: string;
  @ApiProperty({ enum: ['completed', 'rejected', 'failed', 'pending'] }) outcome: string;
  @ApiPropertyOptional({ description: "The checkout's state once its saga recorded one" }) state?: string;
  @ApiPropertyOptional({ description: 'Why it was rejected or failed' }) reason?: string;
  @ApiPropertyOptional({ type: CheckoutBatchReceiptDto }) receipt?: CheckoutBatchReceiptDto;
}

export class CheckoutBatchProgressDto {
  @ApiProperty() batchId: string;
  @ApiProperty({ enum: ['running', 'completed'], description: 'completed: no sale is pending' }) status: string;
  @ApiProperty({ type: CheckoutBatchCountsDto }) counts: CheckoutBatchCountsDto;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: [CheckoutBatchSaleResultDto] }) results: CheckoutBatchSaleResultDto[];
}
