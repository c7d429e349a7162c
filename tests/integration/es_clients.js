// Drives Caudal's Elasticsearch-compatible listener with an official client, the same way for
// both: `es` is @elastic/elasticsearch (8.x), `os` is @opensearch-project/opensearch. Each
// generates a web-log dataset from a fixed seed, indexes it with the client's bulk helper
// (then replaces some documents by _id), runs searches with aggregations, and compares every
// answer with what it computes from the dataset itself. Prints one line per check:
// `name<TAB>expected<TAB>actual` (JSON), for the calling test script to assert.
//   node es_clients.js es|os http://127.0.0.1:PORT INDEX
'use strict';

const [, , flavour, node, index] = process.argv;
const { Client } = flavour === 'os' ? require('@opensearch-project/opensearch')
                                    : require('@elastic/elasticsearch');
const client = new Client({ node, requestTimeout: 20000 });
// The OpenSearch client answers {body, statusCode, ...}; Elasticsearch's 8.x client the body.
async function call(fn, params) {
  const answer = await fn(flavour === 'os' && params.body === undefined && hasBody(params)
    ? toBodyParams(params) : params);
  return flavour === 'os' ? answer.body : answer;
}
// 8.x clients take the request body's keys at the top level; the OpenSearch client as `body`.
const kBodyKeys = ['query', 'aggs', 'sort', 'size', 'from', 'search_after', '_source', 'track_total_hits'];
function hasBody(params) { return kBodyKeys.some((k) => k in params); }
function toBodyParams(params) {
  const out = { index: params.index, body: {} };
  for (const [k, v] of Object.entries(params)) if (k !== 'index') out.body[k] = v;
  return out;
}

// mulberry32: a small seeded generator, so both runs index the same documents.
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const kDocs = 3000;
const kBase = Date.UTC(2024, 4, 1, 0, 0, 0);
const kHour = 3600 * 1000;
const statuses = [200, 200, 200, 200, 301, 404, 500, 503];
const methods = ['GET', 'GET', 'POST', 'PUT'];
const words = ['timeout', 'upstream', 'cache', 'hit', 'miss', 'login', 'error', 'ok', 'slow'];

function dataset() {
  const random = generator(20240501);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const docs = [];
  for (let i = 0; i < kDocs; i++) {
    docs.push({
      id: `req-${i}`,
      source: {
        '@timestamp': new Date(kBase + i * 7000 + Math.floor(random() * 5000)).toISOString(),
        status: pick(statuses),
        method: pick(methods),
        host: `web-${Math.floor(random() * 7)}`,
        bytes: 100 + Math.floor(random() * 10000),
        message: [pick(words), pick(words), pick(words)].join(' '),
      },
    });
  }
  return docs;
}

const lines = [];
function check(name, expected, actual) {
  lines.push([name, JSON.stringify(expected), JSON.stringify(actual)].join('\t'));
}
function countBy(docs, key) {
  const counts = new Map();
  for (const d of docs) counts.set(key(d), (counts.get(key(d)) || 0) + 1);
  return counts;
}
// Elasticsearch's terms order: doc_count descending, then key ascending.
function topTerms(counts, size) {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, size)
    .map(([key, doc_count]) => ({ key, doc_count }));
}
const round = (x) => Math.round(x * 1e6) / 1e6;

async function main() {
  const info = await call(client.info.bind(client), {});
  check('info answers a version', true, typeof info.version.number === 'string');

  const docs = dataset();
  const stats = await client.helpers.bulk({
    datasource: docs,
    flushBytes: 100000,  // several bulk requests
    onDocument: (doc) => [{ index: { _index: index, _id: doc.id } }, doc.source],
  });
  check('bulk helper: every document accepted', { total: kDocs, failed: 0 },
        { total: stats.total, failed: stats.failed });
  // Replacements: every 100th document again, with status 418. Each replaces its first version.
  const replaced = docs.filter((_, i) => i % 100 === 0);
  for (const doc of replaced) doc.source = { ...doc.source, status: 418 };
  const again = await client.helpers.bulk({
    datasource: replaced,
    onDocument: (doc) => [{ index: { _index: index, _id: doc.id } }, doc.source],
  });
  check('bulk helper: replacements accepted', 0, again.failed);
  await call(client.indices.refresh.bind(client.indices), { index });
  const sources = docs.map((d) => d.source);

  const count = await call(client.count.bind(client), { index });
  check('count: replacements do not add documents', kDocs, count.count);

  // A term filter and a time range, per-hour histogram, average bytes, methods.
  const from = kBase + kHour, to = kBase + 4 * kHour;
  const filtered = sources.filter((s) => s.status === 500 &&
    Date.parse(s['@timestamp']) >= from && Date.parse(s['@timestamp']) < to);
  const histogram = await call(client.search.bind(client), {
    index,
    size: 0,
    query: { bool: { filter: [
      { term: { status: 500 } },
      { range: { '@timestamp': { gte: new Date(from).toISOString(), lt: new Date(to).toISOString() } } },
    ] } },
    aggs: {
      per_hour: { date_histogram: { field: '@timestamp', fixed_interval: '1h' } },
      avg_bytes: { avg: { field: 'bytes' } },
      methods: { terms: { field: 'method.keyword' } },
    },
  });
  check('term + range: total', filtered.length, histogram.hits.total.value);
  const perHour = countBy(filtered, (s) => Math.floor(Date.parse(s['@timestamp']) / kHour) * kHour);
  check('date_histogram 1h buckets',
        [...perHour.entries()].sort((a, b) => a[0] - b[0]).map(([key, n]) => ({ key, doc_count: n })),
        histogram.aggregations.per_hour.buckets.map((b) => ({ key: b.key, doc_count: b.doc_count })));
  check('avg bytes', round(filtered.reduce((t, s) => t + s.bytes, 0) / filtered.length),
        round(histogram.aggregations.avg_bytes.value));
  check('terms on method.keyword', topTerms(countBy(filtered, (s) => s.method), 10),
        histogram.aggregations.methods.buckets);

  // Full text: the newest five documents mentioning "timeout".
  const timeouts = docs.filter((d) => d.source.message.split(' ').includes('timeout'))
    .sort((a, b) => Date.parse(b.source['@timestamp']) - Date.parse(a.source['@timestamp']));
  const match = await call(client.search.bind(client), {
    index,
    size: 5,
    query: { match: { message: 'timeout' } },
    sort: [{ '@timestamp': 'desc' }],
  });
  check('match: total', timeouts.length, match.hits.total.value);
  check('match: newest five ids', timeouts.slice(0, 5).map((d) => d.id), match.hits.hits.map((h) => h._id));
  check('match: _source as indexed', timeouts[0].source, match.hits.hits[0]._source);

  // Terms (top 3) under a range, with a max per bucket; stats of the replaced status.
  const big = sources.filter((s) => s.bytes >= 5000);
  const hosts = await call(client.search.bind(client), {
    index,
    size: 0,
    query: { range: { bytes: { gte: 5000 } } },
    aggs: {
      hosts: { terms: { field: 'host.keyword', size: 3 }, aggs: { largest: { max: { field: 'bytes' } } } },
      teapots: { filter: { term: { status: 418 } }, aggs: { bytes: { stats: { field: 'bytes' } } } },
    },
  });
  const top = topTerms(countBy(big, (s) => s.host), 3).map((b) => ({
    ...b, largest: Math.max(...big.filter((s) => s.host === b.key).map((s) => s.bytes)),
  }));
  check('terms top 3 under a range, max per bucket', top,
        hosts.aggregations.hosts.buckets.map((b) => ({ key: b.key, doc_count: b.doc_count, largest: b.largest.value })));
  const teapots = big.filter((s) => s.status === 418).map((s) => s.bytes);
  check('filter + stats', { count: teapots.length, min: Math.min(...teapots), max: Math.max(...teapots),
                            sum: teapots.reduce((t, x) => t + x, 0) },
        (({ count, min, max, sum }) => ({ count, min, max, sum }))(hosts.aggregations.teapots.bytes));

  // Paging with search_after through one host's documents, oldest first.
  const host = sources.filter((s) => s.host === 'web-3').map((s) => s['@timestamp']).sort();
  const seen = [];
  let after;
  for (;;) {
    const page = await call(client.search.bind(client), {
      index,
      size: 100,
      query: { term: { 'host.keyword': 'web-3' } },
      sort: [{ '@timestamp': 'asc' }],
      _source: ['@timestamp'],
      ...(after ? { search_after: after } : {}),
    });
    if (page.hits.hits.length === 0) break;
    for (const h of page.hits.hits) seen.push(h._source['@timestamp']);
    after = page.hits.hits[page.hits.hits.length - 1].sort;
  }
  check('search_after pages through every document once, in order', host, seen);

  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err && err.meta ? JSON.stringify(err.meta.body) : err);
  process.exit(1);
});
