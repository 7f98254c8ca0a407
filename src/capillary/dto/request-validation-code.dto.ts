import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsInt, Max, Min } from 'class-validator';
import { KeyToken, Nested } from '../../common/dto-fields';
import { CustomerIdentifierDto } from '../../checkouts/dto/create-checkout.dto';

/** POST /v1/capillary/validation-codes: have Capillary send the customer a validation code (OTP). */
export class RequestValidationCodeDto {
  @KeyToken(40, { example: 'S1' })
  store: string;

  @KeyToken(40, { example: 'T1' })
  till: string;

  @Nested(CustomerIdentifierDto, { description: 'The Capillary customer: phone, email, externalId or card' })
  identifier: CustomerIdentifierDto;

  @ApiProperty({ example: 100, description: 'The points the customer is about to redeem (points/validationcode sends them with the request)' })
  @Max(10_000_000)
  @Min(1)
  @IsInt()
  @IsDefined({ message: 'is required' })
  points: number;
}
