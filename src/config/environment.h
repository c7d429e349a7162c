// Where ${VAR} substitution in caudal.yaml looks variables up. An interface so tests (and
// `caudal config check` against another machine's settings) can supply their own variables.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace caudal::config {

class Environment {
 public:
  virtual ~Environment() = default;
  // The variable's value (possibly empty), or nullopt when it is not set.
  virtual std::optional<std::string> get(std::string_view name) const = 0;
};

// The process environment (getenv). Read only while loading the configuration at start-up,
// before other threads exist, because getenv races with setenv.
class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> get(std::string_view name) const override;
};

// A fixed set of variables.
class MapEnvironment final : public Environment {
 public:
  using Variables = std::map<std::string, std::string, std::less<>>;

  MapEnvironment() = default;
  explicit MapEnvironment(Variables variables) : variables_(std::move(variables)) {}

  std::optional<std::string> get(std::string_view name) const override;

 private:
  Variables variables_;
};

}  // namespace caudal::config
