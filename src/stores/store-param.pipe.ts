import { Injectable, type PipeTransform } from '@nestjs/common';
import { invalidFields } from '../common/problem';

/** A store id as checkouts carry it (it ends up in workflow ids): 1 to 40 of letters, digits, "_", "-", ".". */
export const STORE_ID = /^[A-Za-z0-9_.-]{1,40}$/;

@Injectable()
export class StoreParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!STORE_ID.test(value)) throw invalidFields([{ field: 'store', message: 'must be 1 to 40 letters, digits, "_", "-" or "."' }]);
    return value;
  }
}
