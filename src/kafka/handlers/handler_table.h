// The one explicit table of request handlers: which APIs the listener answers. ApiVersions
// advertises exactly these (with kApiTable's version ranges); the connection closes on a request
// for any other API.
#pragma once

#include <span>

#include "common/status.h"
#include "kafka/handlers/request_context.h"
#include "kafka/protocol/api_table.h"

namespace caudal::kafka {

// Handles one request whose version the dispatcher checked against kApiTable (except
// ApiVersions, which is also called for versions it does not serve so it can answer error 35).
// Answers through context.respond, now or later. A returned error means the request was
// malformed: nothing was answered, and the connection is closed after logging the message.
using Handler = Status (*)(RequestContext& context);

struct HandlerEntry {
  ApiKey api;
  Handler handler;
};

std::span<const HandlerEntry> handler_table();
// nullptr when the listener does not answer `api`.
Handler find_handler(ApiKey api);

// One per file in this directory.
Status handle_api_versions(RequestContext& context);
Status handle_metadata(RequestContext& context);
Status handle_produce(RequestContext& context);
Status handle_fetch(RequestContext& context);
Status handle_list_offsets(RequestContext& context);
Status handle_create_topics(RequestContext& context);
Status handle_delete_topics(RequestContext& context);
Status handle_offset_for_leader_epoch(RequestContext& context);
Status handle_find_coordinator(RequestContext& context);
Status handle_join_group(RequestContext& context);
Status handle_sync_group(RequestContext& context);
Status handle_heartbeat(RequestContext& context);
Status handle_leave_group(RequestContext& context);
Status handle_offset_commit(RequestContext& context);
Status handle_offset_fetch(RequestContext& context);
Status handle_list_groups(RequestContext& context);
Status handle_describe_groups(RequestContext& context);
Status handle_init_producer_id(RequestContext& context);

}  // namespace caudal::kafka
