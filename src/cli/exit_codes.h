// Exit codes of every `caudal` command. Documented in docs/cli.md and `caudal --help`;
// scripts rely on them, so never renumber.
#pragma once

namespace caudal::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;        // the command ran and failed (I/O, bind, runtime)
inline constexpr int kExitUsage = 2;          // bad command line
inline constexpr int kExitInvalidConfig = 3;  // the configuration file was refused

inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 success, 1 failure while running, 2 bad command line, "
    "3 invalid configuration.";

}  // namespace caudal::cli
