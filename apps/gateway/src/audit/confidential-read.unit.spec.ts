import fc from 'fast-check';
import { eachOf, param } from './read-items';

describe('the ids a confidential read records', () => {
  it('Given a page, then every id of the page, in order; given anything else, none', () => {
    fc.assert(
      fc.property(fc.array(fc.uuid(), { maxLength: 50 }), (ids) => {
        expect(
          eachOf('id')({ items: ids.map((id) => ({ id, title: 'x' })), next: null }, {}),
        ).toEqual(ids);
        expect(
          eachOf('requestId', 'pending')({ pending: ids.map((requestId) => ({ requestId })) }, {}),
        ).toEqual(ids);
      }),
    );
    expect(eachOf('id')(null, {})).toEqual([]);
    expect(eachOf('id')({ items: 'no' }, {})).toEqual([]);
    expect(eachOf('id')({ items: [{ id: 7 }, null, { id: 'a' }] }, {})).toEqual(['a']);
  });

  it('Given a route with parameters, then the item is named by them', () => {
    expect(param('id')(undefined, { id: 'inc-1' })).toEqual(['inc-1']);
    expect(param('operatorId', 'assetId')({}, { operatorId: 'op-a', assetId: 'hmi-01' })).toEqual([
      'op-a/hmi-01',
    ]);
  });
});
