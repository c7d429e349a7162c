#include <fstream>
#include <iterator>
#include <system_error>

#include <fmt/format.h>

#include "config/document.h"
#include "config/errc.h"
#include "config/schemas.h"

namespace caudal::config {
namespace {

// A configuration file is a page or two; anything this large is the wrong file.
constexpr std::uintmax_t kMaxFileBytes = 16u << 20;

Result<Config> parse_with_base(std::string_view yaml_text, std::string_view file_name,
                               const std::filesystem::path& base_dir, const Environment& env) {
  // The module boundary: yaml-cpp and the standard library may throw (bad_alloc at least);
  // nothing thrown leaves this function.
  try {
    Diagnostics diags{std::string(file_name)};
    Config config;
    std::optional<Node> root = parse_document(yaml_text, env, diags);
    if (root.has_value()) root_schema().parse(*root, "", config, diags);
    if (!diags.empty()) return diags.to_status();
    // Here, not in the listen schema: the default depends on the indexes section.
    if (config.listen.elasticsearch_setting) {
      config.listen.elasticsearch = config.listen.elasticsearch_setting->address;
    } else if (!config.indexes.empty()) {
      config.listen.elasticsearch = kDefaultElasticsearch;
    }
    config.source_file = std::filesystem::path(file_name);
    if (config.data_dir.is_relative()) {
      config.data_dir = (base_dir / config.data_dir).lexically_normal();
    }
    return config;
  } catch (const std::exception& e) {
    return Status(Errc::kInvalid, fmt::format("{}: could not be read: {}", file_name, e.what()));
  }
}

}  // namespace

Result<Config> parse_config(std::string_view yaml_text, std::string_view file_name,
                            const Environment& env) {
  return parse_with_base(yaml_text, file_name, std::filesystem::path(file_name).parent_path(), env);
}

Result<Config> load_config_file(const std::filesystem::path& path, const Environment& env) {
  const std::string name = path.string();
  std::string text;
  try {
    std::error_code ec;
    const std::filesystem::file_status status = std::filesystem::status(path, ec);
    if (status.type() == std::filesystem::file_type::not_found) {
      return Status(Errc::kNotFound, fmt::format("{}: no such file", name));
    }
    if (ec) return Status(Errc::kIo, fmt::format("{}: cannot read: {}", name, ec.message()));
    if (status.type() != std::filesystem::file_type::regular) {
      return Status(Errc::kIo, fmt::format("{}: cannot read: not a regular file", name));
    }
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxFileBytes) {
      return Status(Errc::kInvalid,
                    fmt::format("{}: expected a configuration file of at most 16MiB, found {} "
                                "bytes",
                                name, size));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
      return Status(Errc::kIo, fmt::format("{}: cannot read: {}", name,
                                           std::generic_category().message(errno)));
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) return Status(Errc::kIo, fmt::format("{}: cannot read: read failed", name));
  } catch (const std::exception& e) {
    return Status(Errc::kIo, fmt::format("{}: cannot read: {}", name, e.what()));
  }
  std::error_code ec;
  std::filesystem::path base = std::filesystem::absolute(path, ec).parent_path();
  if (ec) base = path.parent_path();
  return parse_with_base(text, name, base, env);
}

}  // namespace caudal::config
