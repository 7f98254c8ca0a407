import { BATCH_SALE_LIMIT } from '../../../workflows/checkout-batch.contract';
import { NestedList, OptionalKeyToken } from '../../common/dto-fields';
import { CreateCheckoutDto } from '../../checkouts/dto/create-checkout.dto';

/** class-validator runs decorators bottom-up and we keep the first failure: the size check runs before the sales'. */
export class CreateCheckoutBatchDto {
  @OptionalKeyToken(64, {
    example: 'S1-2026-11-21',
    description: "The back office's own id for the upload; without it the batch id is derived from the sales. Either way uploading the same batch again answers the same batch id and starts nothing",
  })
  batchReference?: string;

  @NestedList(
    CreateCheckoutDto,
    { max: BATCH_SALE_LIMIT, notAnObject: 'each sale must be an object' },
    {
      description: `1 to ${BATCH_SALE_LIMIT} completed sales, each validated exactly like POST /v1/checkouts and run as a one-shot checkout ("complete" must be true or absent)`,
    },
  )
  sales: CreateCheckoutDto[];
}
