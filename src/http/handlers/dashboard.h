// The dashboard's files (docs/demo.md), served from the folder `http.dashboard` names (the
// output of `npm run build:web`, web/dist):
//   GET /ui          index.html
//   GET /ui/{file}   one file of the folder: a plain name ([A-Za-z0-9_-] and dots, not
//                    starting with a dot), never a path, so nothing outside the folder is
//                    reachable
// Files are read per request (they are small and the folder may be rebuilt while Caudal
// runs) and sent with `Cache-Control: no-cache`.
#pragma once

#include "http/routes.h"

namespace caudal::http {

Response handle_dashboard_index(const RouteContext& context, const Incoming& incoming);
Response handle_dashboard_file(const RouteContext& context, const Incoming& incoming);

// The Content-Type for a file name, by extension; application/octet-stream when unknown.
std::string_view dashboard_content_type(std::string_view file);

// Whether `file` is a name the dashboard route serves (see above).
bool is_dashboard_file_name(std::string_view file);

}  // namespace caudal::http
