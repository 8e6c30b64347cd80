import { SchemaSet, schemasDir, TOPICS } from '@acd/messaging';
import type { FlowRecord } from '../domain/flow';
import {
  TRAFFIC_EVENT_TYPES,
  TRAFFIC_NAMESPACE,
  type FlowBatchReceived,
  type FlowMatched,
  type FlowsAccepted,
  type TrafficDataDeleted,
} from '../domain/traffic.events';

const T0 = Date.UTC(2026, 10, 22, 0, 0);

const flow: FlowRecord = {
  index: 7,
  srcAddress: '198.51.100.7',
  srcPort: 51515,
  dstAddress: '133.242.0.1',
  dstPort: 443,
  protocol: 6,
  bytes: 12_345_678_901,
  packets: 9_000,
  startedAt: T0,
  endedAt: T0 + 1_000,
  observationPoint: 'tokyo-ix-tap-3',
  domain: 'c2.evil.example',
  srcCountry: 'US',
  dstCountry: 'JP',
};
const portless: FlowRecord = {
  ...flow,
  index: 8,
  srcPort: null,
  dstPort: null,
  protocol: 1,
  domain: null,
  srcCountry: null,
};

const samples: [string, unknown][] = [
  [
    'FlowsAccepted',
    {
      batchId: 'b-1',
      telecomOrgId: 'tel-nihon-backbone',
      authorisationId: 'req-1',
      chunkIndex: 0,
      chunkCount: 2,
      flows: [flow, portless],
      acceptedAt: T0,
    } satisfies FlowsAccepted['data'],
  ],
  [
    'FlowBatchReceived',
    {
      batchId: 'b-1',
      telecomOrgId: 'tel-nihon-backbone',
      authorisationId: 'req-1',
      received: 10,
      accepted: 2,
      refusedDomestic: 5,
      refusedUnlocated: 1,
      invalid: 2,
      chunks: 1,
      receivedAt: T0,
    } satisfies FlowBatchReceived['data'],
  ],
  ...(['source', null] as const).map((endpoint): [string, unknown] => [
    'FlowMatched',
    {
      matchId: 'm-1',
      batchId: 'b-1',
      flowIndex: 7,
      telecomOrgId: 'tel-nihon-backbone',
      authorisationId: 'req-1',
      flow: (({ index: _index, ...rest }) => rest)(endpoint ? flow : portless),
      indicatorId: 'ind-1',
      indicatorType: endpoint ? 'ipv4' : 'domain',
      indicatorValue: endpoint ? '198.51.100.7' : 'evil.example',
      matchedOn: endpoint ? 'address' : 'domain',
      endpoint,
      tlp: 'AMBER',
      matchedAt: T0 + 5,
    } satisfies FlowMatched['data'],
  ]),
  [
    'TrafficDataDeleted',
    {
      deletionId: 'del-1',
      category: 'flows',
      store: 'acd.traffic.flows.v1',
      retentionDays: 7,
      cutoff: T0 - 7 * 86_400_000,
      count: 12_345_678_901,
      deletedAt: T0,
    } satisfies TrafficDataDeleted['data'],
  ],
];

/** Field names that would carry what a connection said rather than how it ran. */
const CONTENT_WORDS = /payload|content|body|data|http|url|uri|header|cookie|query|text|message/i;

function fieldNames(schema: unknown, into: string[] = []): string[] {
  if (Array.isArray(schema)) {
    for (const s of schema) fieldNames(s, into);
  } else if (schema && typeof schema === 'object') {
    const o = schema as {
      type?: unknown;
      fields?: { name: string; type: unknown }[];
      items?: unknown;
    };
    for (const f of o.fields ?? []) {
      into.push(f.name);
      fieldNames(f.type, into);
    }
    if (o.items) fieldNames(o.items, into);
    if (o.type && typeof o.type === 'object') fieldNames(o.type, into);
  }
  return into;
}

describe('the jp.acd.traffic schemas', () => {
  const set = SchemaSet.load(schemasDir());

  it('are exactly what the topic registry lists for the traffic topics', () => {
    expect([...TOPICS.trafficFlows.values]).toEqual([`${TRAFFIC_NAMESPACE}.FlowsAccepted`]);
    expect([...TOPICS.trafficEvents.values]).toEqual(
      TRAFFIC_EVENT_TYPES.map((t) => `${TRAFFIC_NAMESPACE}.${t}`),
    );
    expect([...TOPICS.trafficRetention.values]).toEqual([
      `${TRAFFIC_NAMESPACE}.TrafficDataDeleted`,
    ]);
    expect(set.names().filter((n) => n.startsWith(`${TRAFFIC_NAMESPACE}.`))).toEqual(
      [
        ...TOPICS.trafficFlows.values,
        ...TOPICS.trafficEvents.values,
        ...TOPICS.trafficRetention.values,
      ].sort(),
    );
  });

  it('have no field that could carry contents', () => {
    for (const name of set.names().filter((n) => n.startsWith(`${TRAFFIC_NAMESPACE}.`))) {
      const names = fieldNames(JSON.parse(JSON.stringify(set.latest(name).schema)));
      expect(names.length).toBeGreaterThan(5);
      expect(names.filter((n) => CONTENT_WORDS.test(n))).toEqual([]);
    }
  });

  it('refuses to encode a flow that carries a payload', () => {
    const [, data] = samples[0] as [string, { flows: object[] }];
    const withPayload = { ...data, flows: [{ ...flow, payload: 'GET / HTTP/1.1' }] };
    expect(() => set.encode(`${TRAFFIC_NAMESPACE}.FlowsAccepted`, withPayload)).toThrow(
      /undeclared field\(s\) payload/,
    );
  });

  it.each(samples)('round-trips %s data unchanged', (type, data) => {
    const decoded = set.decode(set.encode(`${TRAFFIC_NAMESPACE}.${type}`, data));
    expect(decoded.fullName).toBe(`${TRAFFIC_NAMESPACE}.${type}`);
    expect(decoded.value).toEqual(data);
  });
});
