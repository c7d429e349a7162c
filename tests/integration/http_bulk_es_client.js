// Drives Caudal's Elasticsearch-compatible routes with the official @elastic/elasticsearch
// client (which refuses servers without the X-Elastic-Product header): info(), the bulk
// helper, index() with and without an id. Prints one JSON object with what it saw; the
// calling test script checks it and the topics' end offsets.
//   node http_bulk_es_client.js http://127.0.0.1:PORT
'use strict';
const { Client } = require('@elastic/elasticsearch');

async function main() {
  const client = new Client({ node: process.argv[2], requestTimeout: 10000 });
  const seen = {};

  const info = await client.info();
  seen.version = info.version.number;
  seen.tagline = info.tagline;

  const docs = [];
  for (let i = 0; i < 1000; i++) docs.push({ seq: i, message: `event ${i}`, level: i % 3 ? 'info' : 'warn' });
  const dropped = [];
  const stats = await client.helpers.bulk({
    datasource: docs,
    flushBytes: 20000,  // several bulk requests, not one
    onDocument: () => ({ index: { _index: 'logstash-2024.05.01' } }),
    onDrop: (d) => dropped.push(d.status),
  });
  seen.bulk = { total: stats.total, successful: stats.successful, failed: stats.failed, dropped };

  // An index that maps to no existing topic (auto_create_topics is off): the item is refused
  // with 404 and the helper reports it as dropped.
  const missing = [];
  const refused = await client.helpers.bulk({
    datasource: [{ a: 1 }, { a: 2 }],
    onDocument: () => ({ create: { _index: 'nowhere' } }),
    onDrop: (d) => missing.push({ status: d.status, type: d.error && d.error.type }),
  });
  seen.missing = { failed: refused.failed, dropped: missing };

  const withId = await client.index({ index: 'web', id: 'page-1', document: { path: '/' } });
  seen.index_with_id = { result: withId.result, id: withId._id };
  const withoutId = await client.index({ index: 'web', document: { path: '/about' } });
  seen.index_without_id = { result: withoutId.result, has_id: typeof withoutId._id === 'string' };

  console.log(JSON.stringify(seen));
}

main().catch((err) => {
  console.error(err && err.meta ? JSON.stringify(err.meta.body) : err);
  process.exit(1);
});
