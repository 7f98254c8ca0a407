import { ValidateBy } from 'class-validator';
import { BATCH_LINE_LIMIT, BATCH_SALE_LIMIT } from '../../../workflows/checkout-batch.contract';
import { NestedList, OptionalKeyToken } from '../../common/dto-fields';
import { CHECKOUT_LINE_LIMIT, CreateCheckoutDto } from '../../checkouts/dto/create-checkout.dto';

/** Lines of every sale that has a list of them (a sale without one is named by its own validation). */
function linesInAll(sales: unknown): number {
  if (!Array.isArray(sales)) return 0;
  return sales.reduce<number>((sum, sale) => sum + (Array.isArray((sale as { lines?: unknown } | null)?.lines) ? (sale as { lines: unknown[] }).lines.length : 0), 0);
}

/** At most BATCH_LINE_LIMIT lines over all sales: a 400 naming `sales`, the list to split. */
const AtMostBatchLines = () =>
  ValidateBy({
    name: 'batchLineLimit',
    validator: {
      validate: (sales: unknown) => linesInAll(sales) <= BATCH_LINE_LIMIT,
      defaultMessage: (args) => `carry ${linesInAll(args?.value)} lines in all; a batch takes at most ${BATCH_LINE_LIMIT} (split the upload)`,
    },
  });

/** class-validator runs decorators bottom-up and we keep the first failure: the size checks run before the sales'. */
export class CreateCheckoutBatchDto {
  @OptionalKeyToken(64, {
    example: 'S1-2026-11-21',
    description: "The back office's own id for the upload; without it the batch id is derived from the sales. Either way uploading the same batch again answers the same batch id and starts nothing",
  })
  batchReference?: string;

  @AtMostBatchLines()
  @NestedList(
    CreateCheckoutDto,
    { max: BATCH_SALE_LIMIT, notAnObject: 'each sale must be an object' },
    {
      description:
        `1 to ${BATCH_SALE_LIMIT} completed sales, each validated exactly like POST /v1/checkouts and run as a one-shot checkout ("complete" must be true or absent); ` +
        `each sale up to ${CHECKOUT_LINE_LIMIT} lines, at most ${BATCH_LINE_LIMIT} lines in all`,
    },
  )
  sales: CreateCheckoutDto[];
}
