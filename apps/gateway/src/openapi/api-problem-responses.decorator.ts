import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ProblemTypes } from '../errors/problem';

const PROBLEM_SCHEMA = { $ref: '#/components/schemas/Problem' };
const TITLES = new Map<number, string>(Object.values(ProblemTypes).map((type) => [type.status, type.title]));

/** Documents the problem+json answers of an operation; 503 and 504 can happen on every one. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...[...statuses, 503, 504].map((status) =>
      ApiResponse({ status, description: TITLES.get(status), content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } } }),
    ),
  );
}
