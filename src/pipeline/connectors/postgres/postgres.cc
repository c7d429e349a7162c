#include "pipeline/connectors/postgres/postgres.h"

#include <libpq-fe.h>

#include <fmt/format.h>

#include "pipeline/connectors/errc.h"
#include "pipeline/connectors/parsed_records.h"
#include "pipeline/event/json.h"
#include "pipeline/event/timestamp.h"

namespace caudal::pipeline::connectors {
namespace {

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// A value in COPY's text format: \N for null, backslash escapes for the separators.
void append_copy_value(Value value, std::string& out) {
  if (value.is_null()) {
    out.append("\\N");
    return;
  }
  std::string text;
  switch (value.kind()) {
    case ValueKind::kString: text = std::string(value.as_string()); break;
    case ValueKind::kBool: text = value.as_bool() ? "t" : "f"; break;
    case ValueKind::kTimestamp: append_iso8601(value.as_timestamp(), text); break;
    default: write_json(value, text); break;  // numbers, and arrays/objects for json columns
  }
  for (char c : text) {
    switch (c) {
      case '\\': out.append("\\\\"); break;
      case '\t': out.append("\\t"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      default: out.push_back(c);
    }
  }
}

// Whether an SQLSTATE is worth retrying as it is: the server or the connection, not the data.
// A missing table (42P01) or database (3D000) and refused credentials (class 28) fail every row
// alike, usually while the database is still being set up: the events wait (the sink retries
// and logs why) instead of all going to the dead-letter topic.
bool is_transient(std::string_view sqlstate) {
  const std::string_view cls = sqlstate.substr(0, 2);
  return sqlstate.empty() || cls == "08" || cls == "40" || cls == "53" || cls == "57" ||
         cls == "58" || cls == "28" || sqlstate == "42P01" || sqlstate == "3D000";
}

class PostgresTransport final : public Transport {
 public:
  explicit PostgresTransport(const ConnectorOptions& options)
      : conninfo_(options.text("conninfo")), table_(options.text("table")), columns_(options.expression_map("columns")) {
    std::string names;
    for (const auto& [name, expression] : columns_) {
      if (!names.empty()) names.append(", ");
      names.append(quote_identifier(name));
    }
    const std::string id = quote_identifier(options.text("id_column"));
    stage_sql_ = fmt::format("CREATE TEMP TABLE IF NOT EXISTS caudal_stage (LIKE {} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS",
                             quote_table(table_));
    copy_sql_ = fmt::format("COPY caudal_stage ({}) FROM STDIN", names);
    insert_sql_ = fmt::format("INSERT INTO {} ({}) SELECT {} FROM caudal_stage ON CONFLICT ({}) DO NOTHING",
                              quote_table(table_), names, names, id);
  }

  ~PostgresTransport() override {
    if (conn_ != nullptr) PQfinish(conn_);
  }

  DeliveryReport deliver(std::span<const RecordRef> records) override {
    DeliveryReport report;
    parsed_.parse(records);
    rows_.clear();
    std::vector<size_t> in_rows;
    std::vector<size_t> row_begin;
    for (size_t i = 0; i < records.size(); ++i) {
      if (parsed_.event(i) == nullptr) {
        report.rejected.push_back(Rejection{i, *parsed_.failure(i)});
        continue;
      }
      const size_t begin = rows_.size();
      if (Status row = append_row(i); !row.ok()) {
        rows_.resize(begin);
        report.rejected.push_back(Rejection{i, std::string(row.message())});
        continue;
      }
      in_rows.push_back(i);
      row_begin.push_back(begin);
    }
    row_begin.push_back(rows_.size());
    if (!in_rows.empty()) {
      std::string sqlstate;
      Status loaded = load(rows_, sqlstate);
      if (!loaded.ok() && is_transient(sqlstate)) {
        report.rejected.clear();
        report.status = std::move(loaded);
        return report;
      }
      if (!loaded.ok()) {
        // The data: one row at a time, so only the refused rows are dead-lettered.
        for (size_t r = 0; r < in_rows.size(); ++r) {
          const std::string row = rows_.substr(row_begin[r], row_begin[r + 1] - row_begin[r]);
          Status one = load(row, sqlstate);
          if (one.ok()) continue;
          if (is_transient(sqlstate)) {
            report.rejected.clear();
            report.status = std::move(one);
            return report;
          }
          report.rejected.push_back(Rejection{in_rows[r], std::string(one.message())});
        }
      }
    }
    report.done = records.size();
    return report;
  }

 private:
  static std::string quote_table(std::string_view name) {
    // schema.table stays two identifiers
    const size_t dot = name.find('.');
    if (dot == std::string_view::npos) return quote_identifier(name);
    return quote_identifier(name.substr(0, dot)) + "." + quote_identifier(name.substr(dot + 1));
  }

  Status append_row(size_t i) {
    bool first = true;
    for (const auto& [name, expression] : columns_) {
      Result<Value> value = expression.evaluate(parsed_.batch(), parsed_.index(i));
      if (!value.ok()) {
        return Status(ConnectorErrc::kRejected,
                      fmt::format("column {} ({}): {}", name, expression.text(), value.status().message()));
      }
      if (!first) rows_.push_back('\t');
      first = false;
      append_copy_value(*value, rows_);
    }
    rows_.push_back('\n');
    return Status();
  }

  Status connect() {
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return Status();
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = PQconnectdb(conninfo_.c_str());
    staged_ = false;
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn_);
      while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
      PQfinish(conn_);
      conn_ = nullptr;
      return Status(ConnectorErrc::kUnavailable, fmt::format("connecting to PostgreSQL: {}", message));
    }
    // Notices ("relation already exists, skipping") are not errors: not printed.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    return Status();
  }

  // Runs `sql`; on failure the message and SQLSTATE ("" when the connection broke).
  Status exec(const std::string& sql, ExecStatusType expected, std::string& sqlstate) {
    PGresult* result = PQexec(conn_, sql.c_str());
    Status status = check(result, expected, sqlstate);
    PQclear(result);
    return status;
  }

  Status check(PGresult* result, ExecStatusType expected, std::string& sqlstate) {
    if (result != nullptr && PQresultStatus(result) == expected) return Status();
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    sqlstate = state != nullptr ? state : "";
    std::string message = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
    if (message.empty()) message = PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return Status(is_transient(sqlstate) ? ConnectorErrc::kUnavailable : ConnectorErrc::kRejected,
                  fmt::format("PostgreSQL table {}: {}", table_, message));
  }

  // One transaction: COPY `rows` into the staging table, insert what is new.
  Status load(const std::string& rows, std::string& sqlstate) {
    sqlstate.clear();
    CAUDAL_RETURN_IF_ERROR(connect());
    Status status = exec("BEGIN", PGRES_COMMAND_OK, sqlstate);
    // The staging table lives as long as the connection (its rows only to the commit).
    if (status.ok() && !staged_) status = exec(stage_sql_, PGRES_COMMAND_OK, sqlstate);
    if (status.ok()) status = exec(copy_sql_, PGRES_COPY_IN, sqlstate);
    if (status.ok()) {
      const bool sent = PQputCopyData(conn_, rows.data(), static_cast<int>(rows.size())) == 1 &&
                        PQputCopyEnd(conn_, nullptr) == 1;
      PGresult* result = PQgetResult(conn_);
      status = sent ? check(result, PGRES_COMMAND_OK, sqlstate)
                    : Status(ConnectorErrc::kUnavailable, fmt::format("PostgreSQL COPY: {}", PQerrorMessage(conn_)));
      PQclear(result);
      while ((result = PQgetResult(conn_)) != nullptr) PQclear(result);
    }
    if (status.ok()) status = exec(insert_sql_, PGRES_COMMAND_OK, sqlstate);
    if (status.ok()) status = exec("COMMIT", PGRES_COMMAND_OK, sqlstate);
    if (status.ok()) staged_ = true;
    if (!status.ok() && PQstatus(conn_) == CONNECTION_OK) {
      // The transaction failed already; a failed rollback only means the connection broke too.
      PQclear(PQexec(conn_, "ROLLBACK"));
    }
    if (PQstatus(conn_) != CONNECTION_OK) sqlstate.clear();  // the connection broke: retried
    return status;
  }

  std::string conninfo_;
  std::string table_;
  const std::vector<std::pair<std::string, Expression>>& columns_;
  std::string stage_sql_, copy_sql_, insert_sql_;
  PGconn* conn_ = nullptr;
  bool staged_ = false;  // the staging table exists on conn_
  ParsedRecords parsed_;
  std::string rows_;
};

}  // namespace

const ConnectorDescriptor& postgres_connector() {
  static const ConnectorDescriptor descriptor{
      "postgres",
      "rows loaded into a PostgreSQL table with COPY, idempotent on an id column",
      {
          {"conninfo", OptionType::kSecret, "", "libpq connection string: \"host=db port=5432 dbname=dw user=caudal password=${PGPASSWORD}\"", {}, false},
          {"table", OptionType::kText, "", "the target table (schema.table allowed)", {}, false},
          {"columns", OptionType::kExpressionMap, "", "column names to expressions over the event", {}, false},
          {"id_column", OptionType::kText, "", "the column with the event's id (unique index): rows already there are skipped", {}, false},
      },
      [](const ConnectorOptions& options, std::vector<std::string>& problems) {
        const std::string& id = options.text("id_column");
        bool found = false;
        for (const auto& [name, expression] : options.expression_map("columns")) found = found || name == id;
        if (!found) problems.push_back(fmt::format("id_column '{}' must be one of `columns`", id));
      },
      5000,
      "1s",
      [](const TransportArgs& args) -> Result<std::unique_ptr<Transport>> {
        return std::unique_ptr<Transport>(std::make_unique<PostgresTransport>(args.options));
      },
  };
  return descriptor;
}

}  // namespace caudal::pipeline::connectors
