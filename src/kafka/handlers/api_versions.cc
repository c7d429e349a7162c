// ApiVersions (18): the APIs in the handler table, each with kApiTable's range. A version Caudal
// does not serve is answered in the v0 layout with UNSUPPORTED_VERSION (the client then retries
// with one from the range it is given), without reading the body, whose layout is unknown.
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/api_versions.h"

namespace caudal::kafka {

Status handle_api_versions(RequestContext& context) {
  const ApiInfo& info = api_info(ApiKey::kApiVersions);
  ApiVersionsResponse response;
  for (const HandlerEntry& entry : handler_table()) {
    const ApiInfo& api = api_info(entry.api);
    response.api_keys.push_back(
        {static_cast<int16_t>(api.key), api.min_version, api.max_version});
  }
  if (!info.supports(context.version())) {
    response.error_code = ErrorCode::kUnsupportedVersion;
    context.respond.send(encode_response(response, 0, context.correlation_id()));
    return Status();
  }
  // v3 names the client software; nothing in the answer depends on it, but a body that does
  // not parse is still a malformed request.
  CAUDAL_RETURN_IF_ERROR(
      decode_message<ApiVersionsRequest>(context.request.body, context.version()).status());
  reply(context, response);
  return Status();
}

}  // namespace caudal::kafka
