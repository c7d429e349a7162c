// The admin API (docs/http-api.md §Admin):
//   POST /v1/admin/reload   re-read the configuration file and apply it (docs/configuration.md
//                           §Reloading): 200 with what changed, or 400 with the new file's
//                           errors while the running configuration keeps going
//   GET  /v1/admin/reload   the last reload's result (from SIGHUP or POST); 404 before any
//
// The http module does not depend on the server: the routes call AdminActions, which the
// composition root implements (server/config_reloader.h).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "http/routes.h"

namespace caudal::http {

// A reload's result as the API shows it.
struct ReloadAnswer {
  bool applied = false;  // false: the new configuration was refused, nothing changed
  std::string json;      // the result document (docs/http-api.md §Admin)
};

class AdminActions {
 public:
  virtual ~AdminActions() = default;
  // Starts a reload and calls `done` once, from another thread, when it has finished. Reloads
  // run one at a time, in the order asked.
  virtual void reload(std::function<void(ReloadAnswer)> done) const = 0;
  // The last reload's result, if there was one.
  virtual std::optional<ReloadAnswer> last_reload() const = 0;
};

void handle_reload(const RouteContext& context, const Incoming& incoming, Responder responder);
Response handle_last_reload(const RouteContext& context, const Incoming& incoming);

}  // namespace caudal::http
