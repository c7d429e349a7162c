#include "http/handlers/hec.h"

#include <cctype>
#include <variant>

#include <fmt/format.h>

#include "http/error_mapping.h"
#include "http/ingest/body.h"
#include "http/ingest/gateway.h"
#include "http/ingest/hec_parser.h"
#include "http/ingest/json_text.h"
#include "http/json_writer.h"
#include "http/query.h"
#include "log/errc.h"

namespace caudal::http {
namespace {

constexpr std::string_view kApi = "hec";

Response hec_response(const Request& request, HecCode code,
                      std::optional<size_t> event_number = std::nullopt,
                      std::string_view reason = {}) {
  const HecStatus status = hec_status(code);
  JsonWriter json;
  json.begin_object().key("text").value(status.text).key("code").value(static_cast<int>(code));
  if (event_number) json.key("invalid-event-number").value(static_cast<uint64_t>(*event_number));
  if (!reason.empty()) json.key("reason").value(reason);
  json.end_object();
  Response response = make_response(request, status.http, json.take(), "application/json");
  if (code == HecCode::kTokenRequired || code == HecCode::kInvalidAuthorization) {
    response.set(boost::beast::http::field::www_authenticate, "Splunk");
  }
  return response;
}

// "invalid_data_format" for code 6: the `code` label of the error metric.
std::string hec_error_name(HecCode code) {
  std::string name;
  for (char c : hec_status(code).text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  return name;
}

Response hec_problem(const Request& request, const HecProblem& problem) {
  return hec_response(request, problem.code, problem.event_number, problem.reason);
}

// The token of `Authorization: Splunk <token>`, or why there is none.
std::variant<const HecToken*, HecProblem> authenticate(const Gateway& gateway,
                                                       const Request& request) {
  const std::string_view header = request[boost::beast::http::field::authorization];
  if (header.empty()) {
    if (query_param(request.target(), "token").has_value()) {
      return HecProblem{HecCode::kQueryStringAuthDisabled, std::nullopt,
                        "send the token as Authorization: Splunk <token>"};
    }
    return HecProblem{HecCode::kTokenRequired, std::nullopt,
                      "send the token as Authorization: Splunk <token>"};
  }
  const size_t space = header.find(' ');
  const std::string_view scheme = header.substr(0, space);
  if (space == std::string_view::npos || !boost::beast::iequals(scheme, "Splunk")) {
    return HecProblem{HecCode::kInvalidAuthorization, std::nullopt,
                      "expected Authorization: Splunk <token>"};
  }
  const HecToken* token = gateway.find_hec_token(trim_json_space(header.substr(space + 1)));
  if (token == nullptr) {
    return HecProblem{HecCode::kInvalidToken, std::nullopt,
                      gateway.settings().hec_tokens.empty()
                          ? "no HEC tokens are configured (http.hec.tokens)"
                          : "the token is not one of http.hec.tokens"};
  }
  return token;
}

// The HEC answer for a Caudal error met after parsing.
HecProblem problem_of(const Status& error, std::optional<size_t> event_number) {
  const std::error_code code = error.code();
  HecCode hec = HecCode::kInternalError;
  if (code == log::Errc::kStorage || code == log::Errc::kClosed) {
    hec = HecCode::kServerBusy;
  } else if (code == log::Errc::kUnknownTopic || code == log::Errc::kInvalidTopicName) {
    hec = HecCode::kIncorrectIndex;
  } else if (to_http_error(error).status == StatusCode::bad_request ||
             to_http_error(error).status == StatusCode::payload_too_large ||
             to_http_error(error).status == StatusCode::unsupported_media_type) {
    hec = HecCode::kInvalidDataFormat;
  }
  return HecProblem{hec, event_number, error.message()};
}

void refuse(Gateway* gateway, const Incoming& in, const Responder& responder,
            const HecProblem& problem) {
  if (gateway != nullptr) gateway->metrics().refused(kApi, hec_error_name(problem.code));
  Response response = hec_problem(in.request, problem);
  if (problem.code == HecCode::kServerBusy) {
    response.set(boost::beast::http::field::retry_after, "10");
  }
  responder.send(std::move(response));
}

// What both data endpoints share once the body is parsed: map indexes to topics, resolve
// them, plan and append everything, answer.
using Metadata = std::vector<std::pair<std::string, std::string>>;

void ingest(Gateway& gateway, const Incoming& in, const Responder& responder, const HecToken& token,
            std::shared_ptr<PaddedBody> body, HecParse parsed, Metadata metadata) {
  std::vector<std::string> topics;
  topics.reserve(parsed.events.size());
  for (size_t i = 0; i < parsed.events.size(); ++i) {
    const std::optional<std::string>& index = parsed.events[i].index;
    if (!index.has_value()) {
      topics.push_back(token.topic);
      continue;
    }
    const std::optional<std::string_view> topic = gateway.settings().hec_indexes.lookup(*index);
    if (!topic.has_value()) {
      return refuse(&gateway, in, responder,
                    HecProblem{HecCode::kIncorrectIndex, i,
                               fmt::format("event {}: index '{}' is not one of http.hec.indexes", i,
                                           *index)});
    }
    topics.emplace_back(*topic);
  }
  const auto received = gateway.clock().wall_now();
  auto events = std::make_shared<std::vector<HecEvent>>(std::move(parsed.events));
  auto kept_metadata = std::make_shared<Metadata>(std::move(metadata));
  std::vector<std::string> names = topics;
  gateway.resolve(
      std::move(names), in.executor,
      [&gateway, in, responder, body, events, kept_metadata, topics = std::move(topics),
       received](Gateway::Topics resolved) {
        std::vector<log::RecordHeader> headers;
        for (const auto& [key, value] : *kept_metadata) headers.push_back({key, as_bytes(value)});
        auto plan =
            std::make_shared<AppendPlan>(in.executor, received, in.client_address,
                                         gateway.settings().host_name);
        for (size_t i = 0; i < events->size(); ++i) {
          const auto& found = resolved.at(topics[i]);
          if (!found.ok()) {
            Status error = found.status();
            if (error.code() == log::Errc::kUnknownTopic) {
              error = Status(log::Errc::kUnknownTopic,
                             fmt::format("event {}: topic {} does not exist and "
                                         "auto_create_topics is off",
                                         i, topics[i]));
            }
            return refuse(&gateway, in, responder, problem_of(error, i));
          }
          Result<EventRef> placed = plan->add(*found, std::nullopt, (*events)[i].text, headers);
          if (!placed.ok()) {
            return refuse(&gateway, in, responder,
                          problem_of(placed.status().with_context(fmt::format("event {}", i)), i));
          }
        }
        gateway.append(
            plan, kApi, in.executor,
            [&gateway, in, responder, body](const AppendPlan&, AppendPlan::Outcomes outcomes) {
              for (const auto& outcome : outcomes) {
                if (!outcome.ok()) {
                  return refuse(&gateway, in, responder,
                                problem_of(outcome.status(), std::nullopt));
                }
              }
              responder.send(hec_response(in.request, HecCode::kSuccess));
            });
      });
}

// Authentication and body decoding, shared by both data endpoints; null when refused.
std::shared_ptr<PaddedBody> accept_request(const RouteContext& context, const Incoming& in,
                                           const Responder& responder, const HecToken*& token) {
  Gateway* gateway = context.gateway;
  if (gateway == nullptr) {
    refuse(gateway, in, responder,
           HecProblem{HecCode::kServerBusy, std::nullopt, "this listener does not take events"});
    return nullptr;
  }
  auto authenticated = authenticate(*gateway, in.request);
  if (auto* problem = std::get_if<HecProblem>(&authenticated)) {
    refuse(gateway, in, responder, *problem);
    return nullptr;
  }
  token = std::get<const HecToken*>(authenticated);
  Result<PaddedBody> body = decode_body(in.request, gateway->settings().max_body_bytes);
  if (!body.ok()) {
    refuse(gateway, in, responder, problem_of(body.status(), std::nullopt));
    return nullptr;
  }
  return std::make_shared<PaddedBody>(std::move(body).value());
}

}  // namespace

void handle_hec_event(const RouteContext& context, const Incoming& in, Responder responder) {
  const HecToken* token = nullptr;
  std::shared_ptr<PaddedBody> body = accept_request(context, in, responder, token);
  if (body == nullptr) return;
  HecParse parsed = parse_hec_events(*body);
  if (parsed.problem) return refuse(context.gateway, in, responder, *parsed.problem);
  ingest(*context.gateway, in, responder, *token, std::move(body), std::move(parsed), {});
}

void handle_hec_raw(const RouteContext& context, const Incoming& in, Responder responder) {
  const HecToken* token = nullptr;
  std::shared_ptr<PaddedBody> body = accept_request(context, in, responder, token);
  if (body == nullptr) return;
  HecParse parsed = parse_hec_raw(*body);
  if (parsed.problem) return refuse(context.gateway, in, responder, *parsed.problem);
  // Raw events carry their metadata in the query string; it travels as record headers.
  Metadata metadata;
  for (std::string_view name : {"host", "source", "sourcetype"}) {
    if (auto value = query_param(in.request.target(), name)) {
      metadata.emplace_back(fmt::format("splunk.{}", name), std::move(*value));
    }
  }
  if (auto index = query_param(in.request.target(), "index")) {
    for (HecEvent& event : parsed.events) event.index = *index;
  }
  ingest(*context.gateway, in, responder, *token, std::move(body), std::move(parsed),
         std::move(metadata));
}

Response handle_hec_health(const RouteContext& context, const Incoming& in) {
  std::vector<std::string> problems;
  if (context.readiness_problems) problems = context.readiness_problems();
  if (context.gateway == nullptr) problems.push_back("this listener does not take events");
  if (problems.empty()) return hec_response(in.request, HecCode::kHealthy);
  std::string reason;
  for (const std::string& p : problems) reason += (reason.empty() ? "" : "; ") + p;
  return hec_response(in.request, HecCode::kUnhealthyQueuesFull, std::nullopt, reason);
}

Response handle_hec_ack(const Incoming& in) {
  return hec_response(in.request, HecCode::kAckDisabled, std::nullopt,
                      "Caudal acknowledges events when it answers the request that sent them");
}

}  // namespace caudal::http
