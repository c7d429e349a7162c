// JSON string literals, written by every module that writes JSON (HTTP answers, events, dead
// letters, search responses, table rows, log lines): one escaping rule everywhere.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

namespace caudal {

// Appends `text` as the inside of a JSON string literal (no quotes): `"` and `\` escaped,
// control characters as \n \r \t \b \f or \u00XX. Bytes >= 0x80 pass through unchanged, so
// UTF-8 stays UTF-8 (callers that may hold other bytes check them first). Runs of plain bytes
// are copied in one append. `Buffer` is std::string or any buffer with push_back(char) and
// append(const char* first, const char* last) (fmt's memory buffers).
template <typename Buffer>
void append_json_escaped(Buffer& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  // A run of plain bytes goes in as one append; std::string's (pointer, length) append is much
  // cheaper than its iterator-pair one, and most texts are a single plain run.
  auto append_run = [&out](const char* first, const char* last) {
    if constexpr (std::is_same_v<Buffer, std::string>) {
      out.append(first, static_cast<size_t>(last - first));
    } else {
      out.append(first, last);
    }
  };
  const char* run = text.data();
  const char* const end = text.data() + text.size();
  for (const char* p = run; p != end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    append_run(run, p);
    run = p + 1;
    out.push_back('\\');
    switch (c) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '\n': out.push_back('n'); break;
      case '\r': out.push_back('r'); break;
      case '\t': out.push_back('t'); break;
      case '\b': out.push_back('b'); break;
      case '\f': out.push_back('f'); break;
      default: {
        const char unicode[] = {'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out.append(unicode, unicode + sizeof(unicode));
      }
    }
  }
  append_run(run, end);
}

// Appends `text` as a JSON string literal, quotes included.
template <typename Buffer>
void append_json_string(Buffer& out, std::string_view text) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

}  // namespace caudal
