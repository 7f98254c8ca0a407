import { MoneyAmount, OptionalNested, Text } from '../../common/dto-fields';
import { SpendDto } from './create-checkout.dto';

/** POST /v1/checkouts/{id}/commit: optionally change the wallet spend asked for at reserve. */
export class CommitCheckoutDto {
  @OptionalNested(SpendDto)
  spend?: SpendDto;
}

export class TenderDto {
  @MoneyAmount({ example: '12.00', description: 'What the customer paid' })
  paid: string;

  @Text([1, 40], { example: 'card' })
  method: string;
}

/** POST /v1/checkouts/{id}/complete, after the POS took payment. */
export class CompleteCheckoutDto {
  @OptionalNested(TenderDto)
  tender?: TenderDto;
}
