// SQL identifiers spliced into statements the table sources and the PostgreSQL sink build.
#pragma once

#include <string>
#include <string_view>

namespace caudal::table {

// `name` as an SQL identifier, in double quotes with inner quotes doubled: any name is safe
// to splice into a statement (SQLite and PostgreSQL alike).
std::string quote_identifier(std::string_view name);
// "schema.table" as two quoted identifiers; a name without a dot as one.
std::string quote_table_name(std::string_view name);

}  // namespace caudal::table
