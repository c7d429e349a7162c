// The Splunk HTTP Event Collector routes (docs/http-api.md §Splunk HEC):
//   POST /services/collector, /services/collector/event[/1.0]   JSON event objects
//   POST /services/collector/raw[/1.0]                           text, one event per line
//   GET  /services/collector/health[/1.0]                        200 code 17, or 503 code 18
//   POST /services/collector/ack                                 400 code 14: no indexer acks
// Senders authenticate with `Authorization: Splunk <token>` (http.hec.tokens). Answers are
// HEC-shaped: {"text":"Success","code":0}, or the documented code of the problem, plus
// "invalid-event-number" and Caudal's "reason" saying what and where.
#pragma once

#include "http/routes.h"

namespace caudal::http {

void handle_hec_event(const RouteContext& context, const Incoming& incoming, Responder responder);
void handle_hec_raw(const RouteContext& context, const Incoming& incoming, Responder responder);
Response handle_hec_health(const RouteContext& context, const Incoming& incoming);
Response handle_hec_ack(const Incoming& incoming);

}  // namespace caudal::http
