#include "http/handlers/elasticsearch.h"

#include <cctype>
#include <string>

#include <fmt/format.h>

#include "http/errc.h"
#include "http/error_mapping.h"
#include "http/ingest/body.h"
#include "http/ingest/bulk_parser.h"
#include "http/ingest/gateway.h"
#include "http/ingest/json_parser.h"
#include "http/json_writer.h"
#include "log/errc.h"

namespace caudal::http {
namespace {

constexpr std::string_view kApi = "bulk";
// The Elasticsearch version Caudal answers as: clients pick their request format from the
// major version (8: no _type, compatible-with=8 media types).
constexpr std::string_view kVersion = "8.11.0";
// What OpenSearch's clients are told (handle_es_info).
constexpr std::string_view kOpenSearchVersion = "2.11.0";

// opensearch-js, opensearch-py and opensearch-java name themselves in User-Agent.
bool is_opensearch_client(const Request& request) {
  std::string agent(request[boost::beast::http::field::user_agent]);
  for (char& c : agent) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return agent.find("opensearch") != std::string::npos;
}

Response es_response(const Request& request, StatusCode status, std::string body) {
  Response response = make_response(request, status, std::move(body), "application/json");
  response.set("X-Elastic-Product", "Elasticsearch");
  return response;
}

// Elasticsearch's error body: {"error":{"root_cause":[...],"type":..,"reason":..},"status":N}.
Response es_error(const Request& request, const Status& error) {
  const HttpError mapped = to_http_error(error);
  const std::string_view type = elasticsearch_error_type(error);
  JsonWriter json;
  json.begin_object().key("error").begin_object();
  json.key("root_cause").begin_array().begin_object();
  json.key("type").value(type).key("reason").value(error.message());
  json.end_object().end_array();
  json.key("type").value(type).key("reason").value(error.message());
  json.end_object();
  json.key("status").value(static_cast<int64_t>(mapped.status));
  json.end_object();
  Response response = es_response(request, mapped.status, json.take());
  if (mapped.retry_after_seconds > 0) {
    response.set(boost::beast::http::field::retry_after,
                 std::to_string(mapped.retry_after_seconds));
  }
  return response;
}

bool accepts(std::string_view media, bool ndjson) {
  // The official clients send application/vnd.elasticsearch+json; compatible-with=8 (and
  // +x-ndjson for _bulk); curl users send the plain types.
  if (media_type_is(media, "application/json") ||
      media_type_is(media, "application/vnd.elasticsearch+json")) {
    return true;
  }
  return ndjson && (media_type_is(media, "application/x-ndjson") ||
                    media_type_is(media, "application/vnd.elasticsearch+x-ndjson"));
}

Status media_type_error(std::string_view media, bool ndjson) {
  return Status(
      Errc::kUnsupportedMediaType,
      fmt::format("Content-Type header [{}] is not supported; send {}",
                  media.empty() ? "(none)" : media,
                  ndjson ? "application/x-ndjson or application/json" : "application/json"));
}

// One run of documents through the gateway: their topics, their places in the plan.
struct DocumentRun {
  std::vector<BulkItem> items;
  std::vector<std::string> topics;              // per item: the topic its index maps to
  std::vector<std::optional<EventRef>> placed;  // per item: where the plan put it
  std::chrono::steady_clock::time_point started;
};

using Render =
    std::function<Response(const DocumentRun&, const AppendPlan&, const AppendPlan::Outcomes&)>;

// Maps every item's index to a topic, resolves the topics, plans and appends the documents
// without an error, and answers with `render`.
void run_documents(Gateway& gateway, const Incoming& in, Responder responder,
                   std::shared_ptr<DocumentRun> run, Render render) {
  std::vector<std::string> names;
  run->topics.resize(run->items.size());
  run->placed.resize(run->items.size());
  for (size_t i = 0; i < run->items.size(); ++i) {
    const std::string& index = run->items[i].index;
    const std::optional<std::string_view> mapped = gateway.settings().bulk_indexes.lookup(index);
    run->topics[i] = mapped ? std::string(*mapped) : index;
    if (run->items[i].error.ok()) names.push_back(run->topics[i]);
  }
  const auto received = gateway.clock().wall_now();
  gateway.resolve(
      std::move(names), in.executor,
      [&gateway, in, responder, run, render = std::move(render), received](Gateway::Topics topics) {
        auto plan =
            std::make_shared<AppendPlan>(in.executor, received, in.client_address,
                                         gateway.settings().host_name);
        for (size_t i = 0; i < run->items.size(); ++i) {
          BulkItem& item = run->items[i];
          if (!item.error.ok()) continue;
          const auto& found = topics.at(run->topics[i]);
          if (!found.ok()) {
            item.error = found.status().code() == log::Errc::kUnknownTopic
                             ? Status(log::Errc::kUnknownTopic,
                                      fmt::format("no such index [{}]: topic {} does not exist "
                                                  "and auto_create_topics is off",
                                                  item.index, run->topics[i]))
                             : found.status();
            continue;
          }
          const std::optional<std::string>& key = item.routing ? item.routing : item.id;
          Result<EventRef> placed = plan->add(
              *found, key ? std::optional<std::string_view>(*key) : std::nullopt, item.document);
          if (placed.ok()) {
            run->placed[i] = *placed;
          } else {
            item.error = placed.status();
          }
        }
        for (const BulkItem& item : run->items) {
          if (!item.error.ok()) gateway.metrics().refused(kApi, error_type(item.error));
        }
        gateway.append(plan, kApi, in.executor,
                       [in, responder, run, render](const AppendPlan& appended,
                                                    AppendPlan::Outcomes outcomes) {
                         responder.send(render(*run, appended, outcomes));
                       });
      });
}

// An item's outcome: its own error, its batch's error, or where it landed.
struct ItemOutcome {
  Status error;
  int32_t partition = 0;
  int64_t offset = 0;
};

ItemOutcome outcome_of(const DocumentRun& run, size_t i, const AppendPlan& plan,
                       const AppendPlan::Outcomes& outcomes) {
  if (!run.items[i].error.ok()) return {run.items[i].error};
  const EventRef ref = *run.placed[i];
  const Result<log::AppendResult>& result = outcomes[ref.batch];
  if (!result.ok()) return {result.status()};
  return {Status(), plan.batches()[ref.batch].partition, result->base_offset.value() + ref.index};
}

std::string document_id(const BulkItem& item, const ItemOutcome& outcome) {
  return item.id ? *item.id : fmt::format("{}-{}", outcome.partition, outcome.offset);
}

void write_error(JsonWriter& json, const Status& error) {
  json.key("error").begin_object();
  json.key("type").value(elasticsearch_error_type(error)).key("reason").value(error.message());
  json.end_object();
}

// The members Elasticsearch gives a document it indexed.
void write_created(JsonWriter& json, const BulkItem& item, const ItemOutcome& outcome) {
  json.key("_index").value(item.index).key("_id").value(document_id(item, outcome));
  json.key("_version").value(1).key("result").value("created");
  json.key("_shards").begin_object().key("total").value(1).key("successful").value(1);
  json.key("failed").value(0).end_object();
  json.key("_seq_no").value(outcome.offset).key("_primary_term").value(1);
}

Response render_bulk(const Request& request, const DocumentRun& run, const AppendPlan& plan,
                     const AppendPlan::Outcomes& outcomes, Gateway& gateway) {
  std::vector<ItemOutcome> items;
  items.reserve(run.items.size());
  bool any_ok = false;
  std::optional<size_t> retryable;
  for (size_t i = 0; i < run.items.size(); ++i) {
    items.push_back(outcome_of(run, i, plan, outcomes));
    any_ok = any_ok || items.back().error.ok();
    if (!items.back().error.ok() && to_http_error(items.back().error).retry_after_seconds > 0) {
      retryable = i;
    }
  }
  for (size_t i = 0; i < run.items.size(); ++i) {
    // Failures of the append itself (item errors were counted before appending).
    if (run.items[i].error.ok() && !items[i].error.ok()) {
      gateway.metrics().refused(kApi, error_type(items[i].error));
    }
  }
  // Nothing landed and the disk (or shutdown) is to blame: refuse the request as a whole, so
  // a client retries all of it after Retry-After.
  if (!any_ok && retryable.has_value()) return es_error(request, items[*retryable].error);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      gateway.clock().steady_now() - run.started);
  JsonWriter json;
  json.begin_object().key("took").value(static_cast<int64_t>(took.count()));
  bool errors = false;
  for (const ItemOutcome& item : items) errors = errors || !item.error.ok();
  json.key("errors").value(errors).key("items").begin_array();
  for (size_t i = 0; i < run.items.size(); ++i) {
    const BulkItem& item = run.items[i];
    const ItemOutcome& outcome = items[i];
    json.begin_object().key(action_name(item.action)).begin_object();
    if (outcome.error.ok()) {
      write_created(json, item, outcome);
      json.key("status").value(201);
    } else {
      json.key("_index").value(item.index);
      if (item.id) json.key("_id").value(*item.id);
      json.key("status").value(static_cast<int64_t>(to_http_error(outcome.error).status));
      write_error(json, outcome.error);
    }
    json.end_object().end_object();
  }
  json.end_array().end_object();
  return es_response(request, StatusCode::ok, json.take());
}

Response render_document(const Request& request, const DocumentRun& run, const AppendPlan& plan,
                         const AppendPlan::Outcomes& outcomes, Gateway& gateway) {
  const ItemOutcome outcome = outcome_of(run, 0, plan, outcomes);
  if (!outcome.error.ok()) {
    if (run.items[0].error.ok()) gateway.metrics().refused(kApi, error_type(outcome.error));
    return es_error(request, outcome.error);
  }
  JsonWriter json;
  json.begin_object();
  write_created(json, run.items[0], outcome);
  json.end_object();
  return es_response(request, StatusCode::created, json.take());
}

}  // namespace

Response handle_es_info(const Incoming& in) {
  // OpenSearch's clients accept only a server that says it is OpenSearch (or Elasticsearch 7),
  // Elasticsearch's 8.x clients and tools want 8.x: each family is told what it accepts. The
  // APIs Caudal serves answer both alike.
  const bool opensearch = is_opensearch_client(in.request);
  JsonWriter json;
  json.begin_object().key("name").value("caudal").key("cluster_name").value("caudal");
  json.key("cluster_uuid").value("caudal");
  json.key("version").begin_object();
  if (opensearch) {
    json.key("distribution").value("opensearch").key("number").value(kOpenSearchVersion);
    json.key("build_type").value("caudal").key("lucene_version").value("9.7.0");
    json.key("minimum_wire_compatibility_version").value("7.10.0");
    json.key("minimum_index_compatibility_version").value("7.0.0");
  } else {
    json.key("number").value(kVersion).key("build_flavor").value("default");
    json.key("build_type").value("caudal").key("lucene_version").value("9.8.0");
    json.key("minimum_wire_compatibility_version").value("7.17.0");
    json.key("minimum_index_compatibility_version").value("7.0.0");
  }
  json.end_object();
  json.key("tagline")
      .value(opensearch ? "The OpenSearch Project: https://opensearch.org/" : "You Know, for Search")
      .end_object();
  Response response = es_response(in.request, StatusCode::ok, json.take());
  if (in.request.method() == Verb::head) {
    // HEAD: the headers of the GET, without its body.
    const std::string length = std::to_string(response.body().size());
    response.body().clear();
    response.set(boost::beast::http::field::content_length, length);
  }
  return response;
}

Response handle_es_cluster_health(const Incoming& in) {
  JsonWriter json;
  json.begin_object().key("cluster_name").value("caudal").key("status").value("green");
  json.key("timed_out").value(false).key("number_of_nodes").value(1);
  json.key("number_of_data_nodes").value(1).end_object();
  return es_response(in.request, StatusCode::ok, json.take());
}

void handle_bulk(const RouteContext& context, const Incoming& in, Responder responder) {
  Gateway* gateway = context.gateway;
  auto refuse = [&](const Status& error) {
    if (gateway != nullptr) gateway->metrics().refused(kApi, error_type(error));
    responder.send(es_error(in.request, error));
  };
  if (gateway == nullptr) {
    return refuse(Status(Errc::kNotConfigured, "this listener does not take documents"));
  }
  auto run = std::make_shared<DocumentRun>();
  run->started = gateway->clock().steady_now();
  const std::string_view media = media_type(in.request);
  if (!accepts(media, true)) return refuse(media_type_error(media, true));
  Result<PaddedBody> body = decode_body(in.request, gateway->settings().max_body_bytes);
  if (!body.ok()) return refuse(body.status());
  auto index = in.params.find("index");
  Result<std::vector<BulkItem>> items =
      parse_bulk(*body, index != in.params.end() ? std::string_view(index->second) : "");
  if (!items.ok()) return refuse(items.status());
  run->items = std::move(items).value();
  // The documents are views into the body: keep it alive as long as the run.
  auto kept = std::make_shared<PaddedBody>(std::move(body).value());
  run_documents(*gateway, in, responder, run,
                [in, gateway, kept](const DocumentRun& done, const AppendPlan& plan,
                                    const AppendPlan::Outcomes& outcomes) {
                  return render_bulk(in.request, done, plan, outcomes, *gateway);
                });
}

void handle_index_document(const RouteContext& context, const Incoming& in, Responder responder) {
  Gateway* gateway = context.gateway;
  auto refuse = [&](const Status& error) {
    if (gateway != nullptr) gateway->metrics().refused(kApi, error_type(error));
    responder.send(es_error(in.request, error));
  };
  if (gateway == nullptr) {
    return refuse(Status(Errc::kNotConfigured, "this listener does not take documents"));
  }
  const std::string_view media = media_type(in.request);
  if (!accepts(media, false)) return refuse(media_type_error(media, false));
  Result<PaddedBody> body = decode_body(in.request, gateway->settings().max_body_bytes);
  if (!body.ok()) return refuse(body.status());
  auto kept = std::make_shared<PaddedBody>(std::move(body).value());
  JsonParse parsed = JsonParser::for_this_thread().parse(kept->view());
  if (parsed.problem.has_value()) {
    const TextPosition where = position_of(kept->view(), parsed.problem->offset);
    return refuse(Status(parsed.problem->code,
                         fmt::format("failed to parse the document: line {}, column {}: {}",
                                     where.line, where.column, parsed.problem->what)));
  }
  if (!parsed.value.is_object()) {
    return refuse(Status(Errc::kInvalidRequest, "the document must be a JSON object"));
  }
  auto run = std::make_shared<DocumentRun>();
  run->started = gateway->clock().steady_now();
  BulkItem item;
  item.action = BulkItem::Action::kIndex;
  item.index = in.params.at("index");
  if (auto id = in.params.find("id"); id != in.params.end()) item.id = id->second;
  item.document = trim_json_space(kept->view());
  run->items.push_back(std::move(item));
  run_documents(*gateway, in, responder, run,
                [in, gateway, kept](const DocumentRun& done, const AppendPlan& plan,
                                    const AppendPlan::Outcomes& outcomes) {
                  return render_document(in.request, done, plan, outcomes, *gateway);
                });
}

}  // namespace caudal::http
