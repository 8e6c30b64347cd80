#!/usr/bin/env node
// Validates rendered Kubernetes manifests offline, against the schemas that packages from the npm
// registry ship (no cluster, no download at run time): the Strimzi kinds with
// @kubernetes-models/strimzi-kafka-operator (its CRDs' OpenAPI schemas). Each document is checked
// with the model of its apiVersion and kind; a kind no installed package knows is an error, not a
// pass. Prints one line per document and exits 1 when any fails.
//
//   node scripts/validate-manifests.mjs deploy/k8s/base/kafka/*.yaml
//
// An ES module of its own because the model packages are ES modules only.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import * as strimzi from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2';

/** `apiVersion|kind` -> the model class that validates it. */
const MODELS = new Map(
  ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser'].map((kind) => [
    `kafka.strimzi.io/v1beta2|${kind}`,
    strimzi[kind],
  ]),
);

let failed = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length > 0) {
      failed++;
      console.log(`FAIL ${file}#${i}: not YAML: ${doc.errors[0].message}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    const where = `${file}#${i} ${obj.kind ?? '?'} ${obj.metadata?.name ?? '?'}`;
    const Model = MODELS.get(`${obj.apiVersion}|${obj.kind}`);
    checked++;
    if (!Model) {
      failed++;
      console.log(`FAIL ${where}: no schema for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    try {
      new Model(obj).validate();
      console.log(`ok   ${where}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${where}: ${err.message}`);
    }
  }
}
console.log(`${checked} documents checked, ${failed} failed`);
process.exit(failed > 0 || checked === 0 ? 1 : 0);
