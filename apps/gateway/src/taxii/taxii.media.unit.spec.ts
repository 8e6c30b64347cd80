import fc from 'fast-check';
import { acceptsTaxii, isTaxiiContentType } from './taxii.media';

describe('TAXII content negotiation', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['application/taxii+json;version=2.1', true],
    ['application/taxii+json; version=2.1', true],
    ['application/taxii+json', true],
    ['*/*', true],
    ['application/*', true],
    ['text/html, application/taxii+json;version=2.1;q=0.9', true],
    ['application/json', false],
    ['application/taxii+json;version=2.0', false],
    ['application/stix+json;version=2.1', false],
    ['application/taxii+json;version=2.1;q=0', false],
    ['text/html', false],
  ])('Accept %p → acceptable %p', (accept, ok) => {
    expect(acceptsTaxii(accept)).toBe(ok);
  });

  it.each([
    ['application/taxii+json;version=2.1', true],
    ['application/taxii+json; version=2.1; charset=utf-8', true],
    ['application/taxii+json', true],
    ['application/json', false],
    ['application/taxii+json;version=2.0', false],
    [undefined, false],
    ['', false],
  ])('Content-Type %p → TAXII 2.1 %p', (type, ok) => {
    expect(isTaxiiContentType(type)).toBe(ok);
  });

  it('never throws, whatever the header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (h) => {
        expect(typeof acceptsTaxii(h)).toBe('boolean');
        expect(typeof isTaxiiContentType(h)).toBe('boolean');
      }),
    );
  });
});
