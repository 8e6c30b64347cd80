import { DAY, foldInMemory, ReportingFileHistory } from '../testing/reporting-file-history';
import { assetDocIdOf, assetProjection, evolveAssetDoc } from './asset.projection';

const T0 = Date.parse('2026-11-20T00:00:00Z');
const at = (ms: number) => new Date(ms);

describe('asset read model', () => {
  it('follows an asset from notice through change to retirement', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.notifyAsset('scada-hmi-01', T0, { exposure: 'internal' });
    const notified = foldInMemory(assetProjection, h.envelopes).get(
      'op-kanto-electric:scada-hmi-01',
    );
    expect(notified).toEqual({
      _id: 'op-kanto-electric:scada-hmi-01',
      version: 1,
      operatorId: 'op-kanto-electric',
      sector: 'electricity',
      assetId: 'scada-hmi-01',
      name: 'Asset scada-hmi-01',
      function: 'substation control',
      location: 'Saitama control centre',
      vendor: 'Example Systems',
      product: 'GridView 7',
      exposure: 'internal',
      installedAt: null,
      notifiedAt: at(T0),
      status: 'active',
      retiredAt: null,
      retirementReason: null,
      updatedAt: at(T0),
    });

    h.openIncident('inc-1', T0, T0 + DAY, { affectedAssets: ['scada-hmi-01'] });
    h.changeAsset('scada-hmi-01', T0 + 2 * DAY, {
      exposure: 'internet',
      location: 'Chiba DR site',
    });
    h.retireAsset('scada-hmi-01', T0 + 3 * DAY, 'Replaced by GridView 8');
    const doc = foldInMemory(assetProjection, h.envelopes).get('op-kanto-electric:scada-hmi-01');
    expect(doc).toMatchObject({
      version: 4,
      sector: 'electricity',
      notifiedAt: at(T0),
      exposure: 'internet',
      location: 'Chiba DR site',
      status: 'retired',
      retiredAt: at(T0 + 3 * DAY),
      retirementReason: 'Replaced by GridView 8',
      updatedAt: at(T0 + 3 * DAY),
    });
  });

  it('keeps the same asset id of two operators apart', () => {
    const kanto = new ReportingFileHistory('op-kanto-electric', 'electricity');
    const rail = new ReportingFileHistory('op-tokai-rail', 'railways');
    kanto.notifyAsset('hmi', T0);
    rail.notifyAsset('hmi', T0, { name: 'Signalling HMI' });
    const docs = foldInMemory(assetProjection, [...kanto.envelopes, ...rail.envelopes]);
    expect([...docs.keys()].sort()).toEqual(['op-kanto-electric:hmi', 'op-tokai-rail:hmi']);
    expect(docs.get('op-tokai-rail:hmi')).toMatchObject({
      sector: 'railways',
      name: 'Signalling HMI',
    });
  });

  it('ignores every event that is not about an asset', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.openIncident('inc-1', T0, T0);
    h.fileReport('inc-1', 'r', 'EARLY_WARNING', T0 + 1);
    expect(h.envelopes.map(assetDocIdOf)).toEqual([null, null]);
  });

  it('cannot change an asset it never saw notified', () => {
    const h = new ReportingFileHistory('op-kanto-electric', 'electricity');
    h.notifyAsset('a', T0);
    h.retireAsset('a', T0 + DAY, 'gone');
    const retired = h.envelopes[1];
    if (!retired) throw new Error('no retirement');
    expect(evolveAssetDoc(null, retired)).toBeNull();
  });
});
