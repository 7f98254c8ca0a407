import { applyDecorators } from '@nestjs/common';

/**
 * One decorator made of several, written top to bottom as they would stand stacked on the member.
 * Stacked decorators apply bottom-up, and the order is behaviour: class-validator reports a field's
 * first failure in that order, and @Roles keeps a description an @ApiOperation below it gave. So the
 * list is applied last to first, exactly as the stack it replaces.
 */
export function decoratorStack(...decorators: Array<ClassDecorator | MethodDecorator | PropertyDecorator>): ReturnType<typeof applyDecorators> {
  return applyDecorators(...[...decorators].reverse());
}
