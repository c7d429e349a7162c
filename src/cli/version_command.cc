#include <fmt/format.h>

#include "cli/commands.h"

namespace caudal::cli {

void register_version_command(CLI::App& app, CommandContext& context) {
  CLI::App* cmd = app.add_subcommand("version", "Print Caudal's version and build information");
  cmd->callback([&context] {
    fmt::print("caudal {} (built with g++ {}.{}, C++{})\n", CAUDAL_VERSION, __GNUC__,
               __GNUC_MINOR__, __cplusplus / 100 % 100);
    context.exit_code = 0;
  });
}

}  // namespace caudal::cli
