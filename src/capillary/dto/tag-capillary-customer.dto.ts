import { Nested } from '../../common/dto-fields';
import { CustomerIdentifierDto } from '../../checkouts/dto/create-checkout.dto';

/** POST /v1/checkouts/{id}/capillary-customer: the customer who identified after the sale. */
export class TagCapillaryCustomerDto {
  @Nested(CustomerIdentifierDto, { description: 'The Capillary customer: phone, email, externalId or card' })
  identifier: CustomerIdentifierDto;
}
