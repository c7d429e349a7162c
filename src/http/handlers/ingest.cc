#include "http/handlers/ingest.h"

#include <fmt/format.h>

#include "http/errc.h"
#include "http/error_mapping.h"
#include "http/ingest/body.h"
#include "http/ingest/gateway.h"
#include "http/ingest/json_events.h"
#include "http/ingest/key_path.h"
#include "common/json_string.h"
#include "http/json_writer.h"
#include "http/query.h"
#include "log/errc.h"

namespace caudal::http {
namespace {

constexpr std::string_view kApi = "native";

// The batches that were appended: partition, event count and offsets.
void write_appended(JsonWriter& json, const AppendPlan& plan,
                    const AppendPlan::Outcomes& outcomes) {
  json.begin_array();
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (!outcomes[i].ok()) continue;
    const AppendPlan::Batch& batch = plan.batches()[i];
    json.begin_object().key("partition").value(batch.partition);
    json.key("count").value(static_cast<uint64_t>(batch.records));
    json.key("first_offset").value(outcomes[i]->base_offset.value());
    json.key("last_offset").value(outcomes[i]->last_offset.value());
    json.end_object();
  }
  json.end_array();
}

// The answer to a request whose every batch was appended, the same JSON as write_appended()
// inside {"topic", "count", "batches"}. Written by hand rather than with JsonWriter because
// every accepted request gets one: it is most of what a 1-event POST costs beyond parsing.
// Only the topic name needs escaping; the rest are numbers.
std::string appended_body(const AppendPlan& plan, const AppendPlan::Outcomes& outcomes) {
  // A native request names one topic, and a plan has a batch for any request with events.
  const std::string& topic = plan.batches().front().topic->name;
  std::string body;
  body.reserve(64 + topic.size() + 80 * outcomes.size());
  body += R"({"topic":)";
  append_json_string(body, topic);
  body += R"(,"count":)";
  append_decimal(body, plan.event_count());
  body += R"(,"batches":[)";
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const AppendPlan::Batch& batch = plan.batches()[i];
    body += i == 0 ? R"({"partition":)" : R"(,{"partition":)";
    append_decimal(body, static_cast<uint64_t>(batch.partition));
    body += R"(,"count":)";
    append_decimal(body, batch.records);
    body += R"(,"first_offset":)";
    append_decimal(body, static_cast<uint64_t>(outcomes[i]->base_offset.value()));
    body += R"(,"last_offset":)";
    append_decimal(body, static_cast<uint64_t>(outcomes[i]->last_offset.value()));
    body += '}';
  }
  body += "]}";
  return body;
}

// 200 with the offsets when every batch was appended; otherwise the first failure's status,
// and the batches that did land (only possible when the events needed several batches).
Response respond_appended(const Request& request, Gateway& gateway, const AppendPlan& plan,
                          const AppendPlan::Outcomes& outcomes) {
  const Result<log::AppendResult>* failed = nullptr;
  for (const auto& outcome : outcomes) {
    if (!outcome.ok()) {
      failed = &outcome;
      break;
    }
  }
  if (failed == nullptr) return make_response(request, StatusCode::ok, appended_body(plan, outcomes),
                                               "application/json");
  const Status error = failed->status();
  gateway.metrics().refused(kApi, error_type(error));
  bool partial = false;
  for (const auto& outcome : outcomes) partial = partial || outcome.ok();
  if (!partial) return make_status_error(request, error);
  return make_status_error(request, error, [&](JsonWriter& extra) {
    extra.key("appended");
    write_appended(extra, plan, outcomes);
  });
}

void refuse(Gateway* gateway, const Incoming& in, const Responder& responder, const Status& error) {
  if (gateway != nullptr) gateway->metrics().refused(kApi, error_type(error));
  responder.send(make_status_error(in.request, error));
}

// A request whose headers passed, on its way to the log: on the stack when its topic exists
// (the common case, answered without another allocation), on the heap while the topic is
// being created off the loop.
struct NativeIngest {
  Gateway* gateway;
  std::string topic;
  std::chrono::system_clock::time_point received;
  EventFormat format;
  std::optional<KeyPath> key_path;
  PaddedBody body;
};

// Validates every event of the body, then appends them all, or refuses the request whole.
void append_events(const NativeIngest& call, const Incoming& in, const Responder& responder,
                   const Gateway::TopicResult& found) {
  Gateway* gateway = call.gateway;
  if (!found.ok()) {
    Status error = found.status();
    if (error.code() == log::Errc::kUnknownTopic) {
      error = Status(log::Errc::kUnknownTopic,
                     fmt::format("topic {} does not exist (auto_create_topics is off)", call.topic));
    }
    return refuse(gateway, in, responder, error);
  }
  const std::shared_ptr<const TopicInfo>& info = *found;
  auto plan = std::make_shared<AppendPlan>(in.executor, call.received, in.client_address,
                                           gateway->settings().host_name);
  std::string key;
  Status parsed = for_each_event(call.body, call.format, [&](const JsonEvent& event) -> Status {
    std::optional<std::string_view> event_key;
    if (call.key_path.has_value() && call.key_path->extract(event.value, key)) event_key = key;
    return plan->add(info, event_key, event.text).status();
  });
  if (!parsed.ok()) return refuse(gateway, in, responder, parsed);
  gateway->append(std::move(plan), kApi, in.executor,
                  [in, responder, gateway](const AppendPlan& appended,
                                           AppendPlan::Outcomes outcomes) {
                    responder.send(respond_appended(in.request, *gateway, appended, outcomes));
                  });
}

}  // namespace

void handle_ingest(const RouteContext& context, const Incoming& in, Responder responder) {
  Gateway* gateway = context.gateway;
  auto refuse_now = [&](const Status& error) { refuse(gateway, in, responder, error); };
  if (gateway == nullptr) {
    return refuse_now(Status(Errc::kNotConfigured, "this listener does not take events"));
  }
  Result<EventFormat> format = event_format(media_type(in.request));
  if (!format.ok()) return refuse_now(format.status());
  std::optional<KeyPath> key_path;
  if (std::optional<std::string> key = query_param(in.request.target(), "key")) {
    Result<KeyPath> parsed = KeyPath::parse(*key);
    if (!parsed.ok()) return refuse_now(parsed.status());
    key_path = std::move(parsed).value();
  }
  Result<PaddedBody> decoded = decode_body(in.request, gateway->settings().max_body_bytes);
  if (!decoded.ok()) return refuse_now(decoded.status());
  NativeIngest call{gateway,         in.params.at("topic"),       gateway->clock().wall_now(),
                    *format,         std::move(key_path),         std::move(decoded).value()};
  Gateway::TopicResult found = gateway->find_topic(call.topic);
  if (!gateway->must_create(found)) return append_events(call, in, responder, found);
  auto waiting = std::make_shared<NativeIngest>(std::move(call));
  gateway->create_topic(waiting->topic, in.executor,
                        [waiting, in, responder](const Gateway::TopicResult& created) {
                          append_events(*waiting, in, responder, created);
                        });
}

}  // namespace caudal::http
