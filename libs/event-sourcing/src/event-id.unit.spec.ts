import { uuidV5 } from './event-id';

describe('uuidV5', () => {
  it('computes RFC 9562 version 5 UUIDs as every UUID library does', () => {
    // The DNS namespace of RFC 9562, appendix; Python's uuid.uuid5 gives the same.
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('not-a-uuid', 'x')).toThrow(/not a UUID/);
  });
});
