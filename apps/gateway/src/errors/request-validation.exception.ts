import { BadRequestException } from '@nestjs/common';
import type { FieldError } from '@books/contracts';

/** An HTTP request broke the contract; carries one entry per offending field. */
export class RequestValidationException extends BadRequestException {
  constructor(readonly errors: FieldError[]) {
    super('The request is not valid');
  }
}
