import { applyDecorators } from '@nestjs/common';
import { ApiQuery, ApiResponse } from '@nestjs/swagger';
import { METADATA_QUERY_PURPOSES } from '@acd/traffic';

/** The purpose every metadata query states, in the OpenAPI document, and its 400. */
export const MetadataPurposeQueries = () =>
  applyDecorators(
    ApiQuery({
      name: 'purpose',
      required: true,
      enum: METADATA_QUERY_PURPOSES,
      description:
        'Why this metadata query is made; recorded with the query in the audit log (400 without it)',
    }),
    ApiQuery({
      name: 'purposeNote',
      required: false,
      description:
        'Free text recorded with the purpose (the case, incident or request), at most 500 characters',
    }),
    ApiResponse({ status: 400, description: 'No purpose, or one not listed: nothing is recorded' }),
  );
