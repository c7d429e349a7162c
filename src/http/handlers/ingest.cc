#include "http/handlers/ingest.h"

#include <fmt/format.h>

#include "http/errc.h"
#include "http/error_mapping.h"
#include "http/ingest/body.h"
#include "http/ingest/gateway.h"
#include "http/ingest/json_events.h"
#include "http/ingest/key_path.h"
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

// 200 with the offsets when every batch was appended; otherwise the first failure's status,
// and the batches that did land (only possible when the events needed several batches).
Response respond_appended(const Request& request, std::string_view topic, Gateway& gateway,
                          const AppendPlan& plan, const AppendPlan::Outcomes& outcomes) {
  const Result<log::AppendResult>* failed = nullptr;
  for (const auto& outcome : outcomes) {
    if (!outcome.ok()) {
      failed = &outcome;
      break;
    }
  }
  if (failed == nullptr) {
    JsonWriter json;
    json.begin_object().key("topic").value(topic);
    json.key("count").value(static_cast<uint64_t>(plan.event_count()));
    json.key("batches");
    write_appended(json, plan, outcomes);
    json.end_object();
    return make_response(request, StatusCode::ok, json.take(), "application/json");
  }
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
  const std::string topic = in.params.at("topic");
  const auto received = gateway->clock().wall_now();

  gateway->resolve(
      topic, in.executor,
      [in, responder, gateway, topic, received, format = *format, key_path = std::move(key_path),
       body =
           std::make_shared<PaddedBody>(std::move(decoded).value())](Gateway::TopicResult found) {
        if (!found.ok()) {
          Status error = found.status();
          if (error.code() == log::Errc::kUnknownTopic) {
            error =
                Status(log::Errc::kUnknownTopic,
                       fmt::format("topic {} does not exist (auto_create_topics is off)", topic));
          }
          return refuse(gateway, in, responder, error);
        }
        const std::shared_ptr<const TopicInfo>& info = *found;
        auto plan = std::make_shared<AppendPlan>(in.executor, received, in.client_address,
                                                 gateway->settings().host_name);
        std::string key;
        Status parsed = for_each_event(*body, format, [&](const JsonEvent& event) -> Status {
          std::optional<std::string_view> event_key;
          if (key_path.has_value() && key_path->extract(event.value, key)) event_key = key;
          return plan->add(info, event_key, event.text).status();
        });
        if (!parsed.ok()) return refuse(gateway, in, responder, parsed);
        gateway->append(
            plan, kApi, in.executor,
            [in, responder, gateway, topic](const AppendPlan& appended,
                                            AppendPlan::Outcomes outcomes) {
              responder.send(respond_appended(in.request, topic, *gateway, appended, outcomes));
            });
      });
}

}  // namespace caudal::http
