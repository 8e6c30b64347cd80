import fc from 'fast-check';
import {
  listMatchesSchema,
  listSubmissionsSchema,
  METADATA_QUERY_PURPOSES,
  metadataLookupSchema,
} from './traffic.schemas';

const schemas = [listMatchesSchema, listSubmissionsSchema, metadataLookupSchema];
const messages = (r: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) => (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('the purpose of a metadata query', () => {
  it('Given a metadata query without a purpose, When it is parsed, Then it is refused naming the purposes allowed', () => {
    for (const schema of schemas) {
      const r = schema.safeParse({});
      expect(r.success).toBe(false);
      expect(messages(r)).toEqual([
        `purpose: a metadata query states its purpose: one of ${METADATA_QUERY_PURPOSES.join(', ')}`,
      ]);
    }
  });

  it('Given any purpose outside the list, When it is parsed, Then it is refused', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (purpose) => {
        fc.pre(!(METADATA_QUERY_PURPOSES as readonly string[]).includes(purpose));
        for (const schema of schemas) {
          const r = schema.safeParse({ purpose });
          expect(messages(r)).toEqual([
            `purpose: must be one of ${METADATA_QUERY_PURPOSES.join(', ')}`,
          ]);
        }
      }),
    );
  });

  it('Given a listed purpose and an optional note, When it is parsed, Then both are kept as given (the note trimmed, never blank)', () => {
    for (const purpose of METADATA_QUERY_PURPOSES) {
      expect(metadataLookupSchema.parse({ purpose })).toEqual({ purpose });
      expect(metadataLookupSchema.parse({ purpose, purposeNote: ' case 12 ' })).toEqual({
        purpose,
        purposeNote: 'case 12',
      });
      expect(metadataLookupSchema.safeParse({ purpose, purposeNote: '  ' }).success).toBe(false);
      expect(
        metadataLookupSchema.safeParse({ purpose, purposeNote: 'x'.repeat(501) }).success,
      ).toBe(false);
    }
    expect(listMatchesSchema.parse({ purpose: 'threat-analysis', limit: '5' })).toEqual({
      purpose: 'threat-analysis',
      limit: 5,
    });
  });
});
