// The Elasticsearch-compatible ingest routes (docs/http-api.md §Elasticsearch), enough for
// Fluent Bit's es output, Logstash, Vector and the official clients' bulk helpers:
//   GET /  HEAD /              cluster info (clients read the version; product check header)
//   GET /_cluster/health       always green: one node, no shards to wait for
//   POST|PUT /_bulk, POST|PUT /{index}/_bulk
//   POST /{index}/_doc, PUT|POST /{index}/_doc/{id}, PUT|POST /{index}/_create/{id}
// Documents become events of the topic their index maps to (http.bulk.indexes). Every
// response carries `X-Elastic-Product: Elasticsearch`, which the clients check.
#pragma once

#include "http/routes.h"

namespace caudal::http {

Response handle_es_info(const Incoming& incoming);
Response handle_es_cluster_health(const Incoming& incoming);
void handle_bulk(const RouteContext& context, const Incoming& incoming, Responder responder);
void handle_index_document(const RouteContext& context, const Incoming& incoming,
                           Responder responder);

}  // namespace caudal::http
