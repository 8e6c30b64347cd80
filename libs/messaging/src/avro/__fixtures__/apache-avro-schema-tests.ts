/**
 * Test vectors from the Apache Avro project: share/test/data/schema-tests.txt in apache/avro
 * (commit 0ea74a36cebb2e5fbc37e599814a05c33cb7d424), the file every Avro implementation tests
 * its Parsing Canonical Form and CRC-64-AVRO against; the Java implementation cross-checks the
 * fingerprints with a direct, table-free computation. Fingerprints are as published: Java
 * `long`s, i.e. signed. `id` is the case number in that file.
 */
export interface SchemaTestVector {
  readonly id: string;
  /** The schema text, as JSON. */
  readonly input: string;
  readonly canonical: string;
  readonly fingerprint?: string;
}

export const APACHE_AVRO_SCHEMA_TESTS: readonly SchemaTestVector[] = [
  { id: '000', input: '"null"', canonical: '"null"', fingerprint: '7195948357588979594' },
  { id: '001', input: '{"type":"null"}', canonical: '"null"' },
  { id: '002', input: '"boolean"', canonical: '"boolean"', fingerprint: '-6970731678124411036' },
  { id: '003', input: '{"type":"boolean"}', canonical: '"boolean"' },
  { id: '004', input: '"int"', canonical: '"int"', fingerprint: '8247732601305521295' },
  { id: '005', input: '{"type":"int"}', canonical: '"int"' },
  { id: '006', input: '"long"', canonical: '"long"', fingerprint: '-3434872931120570953' },
  { id: '007', input: '{"type":"long"}', canonical: '"long"' },
  { id: '008', input: '"float"', canonical: '"float"', fingerprint: '5583340709985441680' },
  { id: '009', input: '{"type":"float"}', canonical: '"float"' },
  { id: '010', input: '"double"', canonical: '"double"', fingerprint: '-8181574048448539266' },
  { id: '011', input: '{"type":"double"}', canonical: '"double"' },
  { id: '012', input: '"bytes"', canonical: '"bytes"', fingerprint: '5746618253357095269' },
  { id: '013', input: '{"type":"bytes"}', canonical: '"bytes"' },
  { id: '014', input: '"string"', canonical: '"string"', fingerprint: '-8142146995180207161' },
  { id: '015', input: '{"type":"string"}', canonical: '"string"' },
  { id: '016', input: '[  ]', canonical: '[]', fingerprint: '-1241056759729112623' },
  { id: '017', input: '[ "int"  ]', canonical: '["int"]', fingerprint: '-5232228896498058493' },
  {
    id: '018',
    input: '[ "int" , {"type":"boolean"} ]',
    canonical: '["int","boolean"]',
    fingerprint: '5392556393470105090',
  },
  {
    id: '019',
    input: '{"fields":[], "type":"record", "name":"foo"}',
    canonical: '{"name":"foo","type":"record","fields":[]}',
    fingerprint: '-4824392279771201922',
  },
  {
    id: '020',
    input: '{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}',
    canonical: '{"name":"x.y.foo","type":"record","fields":[]}',
    fingerprint: '5916914534497305771',
  },
  {
    id: '021',
    input: '{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}',
    canonical: '{"name":"a.b.foo","type":"record","fields":[]}',
    fingerprint: '-4616218487480524110',
  },
  {
    id: '022',
    input: '{"fields":[], "type":"record", "name":"foo", "doc":"Useful info"}',
    canonical: '{"name":"foo","type":"record","fields":[]}',
    fingerprint: '-4824392279771201922',
  },
  {
    id: '023',
    input: '{"fields":[], "type":"record", "name":"foo", "aliases":["foo","bar"]}',
    canonical: '{"name":"foo","type":"record","fields":[]}',
    fingerprint: '-4824392279771201922',
  },
  {
    id: '024',
    input: '{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}',
    canonical: '{"name":"foo","type":"record","fields":[]}',
    fingerprint: '-4824392279771201922',
  },
  {
    id: '025',
    input: '{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}',
    canonical: '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}',
    fingerprint: '7843277075252814651',
  },
  {
    id: '026',
    input: `{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":"true"},
            {"order":"descending","name":"f2","doc":"Hello","type":"int"}],
  "type":"record", "name":"foo"
}`,
    canonical:
      '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    fingerprint: '-4860222112080293046',
  },
  {
    id: '027',
    input: '{"type":"enum", "name":"foo", "symbols":["A1"]}',
    canonical: '{"name":"foo","type":"enum","symbols":["A1"]}',
    fingerprint: '-6342190197741309591',
  },
  {
    id: '028',
    input:
      '{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}',
    canonical: '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}',
    fingerprint: '-4448647247586288245',
  },
  {
    id: '029',
    input: '{"name":"foo","type":"fixed","size":15}',
    canonical: '{"name":"foo","type":"fixed","size":15}',
    fingerprint: '1756455273707447556',
  },
  {
    id: '030',
    input: '{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}',
    canonical: '{"name":"x.y.z.foo","type":"fixed","size":32}',
    fingerprint: '-3064184465700546786',
  },
  {
    id: '031',
    input: '{ "items":{"type":"null"}, "type":"array"}',
    canonical: '{"type":"array","items":"null"}',
    fingerprint: '-589620603366471059',
  },
  {
    id: '032',
    input: '{ "values":"string", "type":"map"}',
    canonical: '{"type":"map","values":"string"}',
    fingerprint: '-8732877298790414990',
  },
  {
    id: '033',
    input: `{"name":"PigValue","type":"record",
   "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}`,
    canonical:
      '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    fingerprint: '-1759257747318642341',
  },
];

/**
 * linkedin/goavro's crc64avro_test.go states the same two fingerprints as unsigned hex, which pins
 * down the sign and byte-order reading of the Java values above.
 */
export const GOAVRO_CRC64_VECTORS: readonly { readonly input: string; readonly hex: string }[] = [
  { input: '"int"', hex: '7275d51a3f395c8f' },
  { input: '"string"', hex: '8f014872634503c7' },
];
