#include "http/routes.h"

#include "http/handlers/admin.h"
#include "http/handlers/dashboard.h"
#include "http/handlers/elasticsearch.h"
#include "http/handlers/health.h"
#include "http/handlers/hec.h"
#include "http/handlers/ingest.h"
#include "http/handlers/metrics.h"
#include "http/handlers/pipelines.h"
#include "http/handlers/search.h"
#include "http/handlers/tables.h"
#include "http/handlers/topics.h"

namespace caudal::http {

std::vector<Route> build_routes(const RouteContext& context) {
  auto with_context = [context](auto handler) {
    return [context, handler](const Incoming& in, Responder responder) {
      handler(context, in, std::move(responder));
    };
  };
  auto now_with_context = [context](auto handler) {
    return answer_now([context, handler](const Incoming& in) { return handler(context, in); });
  };
  // Every route Caudal serves, in one place, sorted by path. Patterns with captures never
  // shadow literal ones here: each literal segment below differs from every other route's.
  // docs/http-api.md describes each route; keep the two in step.
  return {
      {Verb::get, "/", "es_info", answer_now(handle_es_info)},
      {Verb::head, "/", "es_info", answer_now(handle_es_info)},
      {Verb::post, "/_bulk", "es_bulk", with_context(handle_bulk)},
      {Verb::put, "/_bulk", "es_bulk", with_context(handle_bulk)},
      {Verb::get, "/_cluster/health", "es_cluster_health", answer_now(handle_es_cluster_health)},
      {Verb::get, "/healthz", "healthz", answer_now(handle_healthz)},
      {Verb::get, "/metrics", "metrics",
       answer_now([context](const Incoming& in) { return handle_metrics(context, in.request); })},
      {Verb::get, "/readyz", "readyz",
       answer_now([context](const Incoming& in) { return handle_readyz(context, in.request); })},
      {Verb::post, "/services/collector", "hec_event", with_context(handle_hec_event)},
      {Verb::post, "/services/collector/ack", "hec_ack", answer_now(handle_hec_ack)},
      {Verb::post, "/services/collector/event", "hec_event", with_context(handle_hec_event)},
      {Verb::post, "/services/collector/event/1.0", "hec_event", with_context(handle_hec_event)},
      {Verb::get, "/services/collector/health", "hec_health", now_with_context(handle_hec_health)},
      {Verb::get, "/services/collector/health/1.0", "hec_health",
       now_with_context(handle_hec_health)},
      {Verb::post, "/services/collector/raw", "hec_raw", with_context(handle_hec_raw)},
      {Verb::post, "/services/collector/raw/1.0", "hec_raw", with_context(handle_hec_raw)},
      {Verb::get, "/ui", "dashboard", now_with_context(handle_dashboard_index)},
      {Verb::get, "/ui/{file}", "dashboard", now_with_context(handle_dashboard_file)},
      {Verb::get, "/v1/admin/reload", "admin_reload", now_with_context(handle_last_reload)},
      {Verb::post, "/v1/admin/reload", "admin_reload", with_context(handle_reload)},
      {Verb::get, "/v1/pipelines/{pipeline}/state", "pipeline_state", with_context(handle_pipeline_state)},
      {Verb::get, "/v1/search/_cat/indices", "search_cat_indices",
       search_handler(context.search, SearchApi::Call::kCatIndices)},
      {Verb::get, "/v1/search/_cat/indices/{index}", "search_cat_indices",
       search_handler(context.search, SearchApi::Call::kCatIndices)},
      {Verb::get, "/v1/search/_mapping", "search_mapping",
       search_handler(context.search, SearchApi::Call::kMapping)},
      {Verb::get, "/v1/search/_search", "search",
       search_handler(context.search, SearchApi::Call::kSearch)},
      {Verb::post, "/v1/search/_search", "search",
       search_handler(context.search, SearchApi::Call::kSearch)},
      {Verb::get, "/v1/search/{index}/_count", "search_count",
       search_handler(context.search, SearchApi::Call::kCount)},
      {Verb::post, "/v1/search/{index}/_count", "search_count",
       search_handler(context.search, SearchApi::Call::kCount)},
      {Verb::get, "/v1/search/{index}/_mapping", "search_mapping",
       search_handler(context.search, SearchApi::Call::kMapping)},
      {Verb::get, "/v1/search/{index}/_search", "search",
       search_handler(context.search, SearchApi::Call::kSearch)},
      {Verb::post, "/v1/search/{index}/_search", "search",
       search_handler(context.search, SearchApi::Call::kSearch)},
      {Verb::get, "/v1/tables", "tables_list", now_with_context(handle_list_tables)},
      {Verb::get, "/v1/tables/{table}", "tables_scan", now_with_context(handle_scan_table)},
      {Verb::get, "/v1/tables/{table}/{key}", "tables_get", now_with_context(handle_get_table_row)},
      {Verb::get, "/v1/topics", "topics_list", now_with_context(handle_list_topics)},
      {Verb::post, "/v1/topics/{topic}", "ingest", with_context(handle_ingest)},
      {Verb::get, "/v1/topics/{topic}/records", "topics_records",
       now_with_context(handle_topic_records)},
      {Verb::post, "/{index}/_bulk", "es_bulk", with_context(handle_bulk)},
      {Verb::put, "/{index}/_bulk", "es_bulk", with_context(handle_bulk)},
      {Verb::put, "/{index}/_create/{id}", "es_doc", with_context(handle_index_document)},
      {Verb::post, "/{index}/_create/{id}", "es_doc", with_context(handle_index_document)},
      {Verb::post, "/{index}/_doc", "es_doc", with_context(handle_index_document)},
      {Verb::put, "/{index}/_doc/{id}", "es_doc", with_context(handle_index_document)},
      {Verb::post, "/{index}/_doc/{id}", "es_doc", with_context(handle_index_document)},
  };
}

}  // namespace caudal::http
