#include "pipeline/connectors/postgres/postgres.h"

#include <algorithm>

#include <fmt/format.h>

#include "pipeline/connectors/errc.h"
#include "pipeline/connectors/parsed_records.h"
#include "pipeline/event/json.h"
#include "pipeline/event/timestamp.h"
#include "table/postgres_connection.h"
#include "table/sql_identifier.h"

namespace caudal::pipeline::connectors {
namespace {

using table::is_transient_sqlstate;
using table::PostgresFailure;
using table::PostgresResult;
using table::quote_identifier;
using table::quote_table_name;

constexpr std::string_view kUniqueViolation = "23505";

bool is_copy_special(char c) { return c == '\\' || c == '\t' || c == '\n' || c == '\r'; }

// `text` in COPY's text format: backslash escapes for the separators; text without any (the
// usual value) is appended in one piece.
void append_copy_escaped(std::string_view text, std::string& out) {
  size_t clean = 0;
  while (clean < text.size() && !is_copy_special(text[clean])) ++clean;
  out.append(text.data(), clean);
  for (size_t i = clean; i < text.size(); ++i) {
    switch (text[i]) {
      case '\\': out.append("\\\\"); break;
      case '\t': out.append("\\t"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      default: out.push_back(text[i]);
    }
  }
}

// A value in COPY's text format: \N for null, strings as they are, booleans t and f,
// timestamps ISO-8601, numbers (and arrays and objects, for json columns) as JSON.
void append_copy_value(Value value, std::string& out) {
  switch (value.kind()) {
    case ValueKind::kMissing:
    case ValueKind::kNull: out.append("\\N"); return;
    case ValueKind::kString: append_copy_escaped(value.as_string(), out); return;
    case ValueKind::kBool: out.push_back(value.as_bool() ? 't' : 'f'); return;
    case ValueKind::kTimestamp: append_iso8601(value.as_timestamp(), out); return;
    case ValueKind::kInt:
    case ValueKind::kDouble: write_json(value, out); return;  // digits, signs, '.', 'e' only
    default: break;
  }
  // JSON text may hold backslashes (escapes inside its strings): those are escaped again.
  const size_t begin = out.size();
  write_json(value, out);
  if (std::none_of(out.begin() + static_cast<std::ptrdiff_t>(begin), out.end(), is_copy_special)) return;
  const std::string json = out.substr(begin);
  out.resize(begin);
  append_copy_escaped(json, out);
}

class PostgresTransport final : public Transport {
 public:
  explicit PostgresTransport(const ConnectorOptions& options)
      : connection_(options.text("conninfo")), table_(options.text("table")), columns_(options.expression_map("columns")) {
    std::string names;
    for (const auto& [name, expression] : columns_) {
      if (!names.empty()) names.append(", ");
      names.append(quote_identifier(name));
    }
    for (const auto& [name, expression] : columns_) parsed_.add_column(expression, "column " + name);
    const std::string id = quote_identifier(options.text("id_column"));
    stage_sql_ = fmt::format("CREATE TEMP TABLE IF NOT EXISTS caudal_stage (LIKE {} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS",
                             quote_table_name(table_));
    copy_sql_ = fmt::format("COPY caudal_stage ({}) FROM STDIN", names);
    direct_copy_sql_ = fmt::format("COPY {} ({}) FROM STDIN", quote_table_name(table_), names);
    insert_sql_ = fmt::format("INSERT INTO {} ({}) SELECT {} FROM caudal_stage ON CONFLICT ({}) DO NOTHING",
                              quote_table_name(table_), names, names, id);
  }

  // Rows are loaded one delivery behind: a delivery renders its rows while the server still
  // works on the previous COPY, then reads that COPY's answer and sends its own, holding its
  // events until the next delivery or poll() reads the answer. A failed answer gives the held
  // events back (DeliveryReport::dropped_held) and the next deliveries load synchronously until
  // one succeeds, so refused rows are dead-lettered one by one as before.
  DeliveryReport deliver(std::span<const RecordRef> records) override {
    DeliveryReport report;
    std::vector<size_t> in_rows;
    std::vector<size_t> row_begin;
    render(records, report, in_rows, row_begin);
    if (Status answered = finish_in_flight(); !answered.ok()) return lost(std::move(answered));
    if (in_rows.empty()) {
      report.done = records.size();
      return report;
    }
    if (!synchronous_) {
      if (Status sent = send(rows_); !sent.ok()) {
        if (is_transient(sent)) {
          report.rejected.clear();
          report.status = std::move(sent);
          return report;
        }
        synchronous_ = true;  // loaded again below, with the refused rows found one by one
      } else {
        in_flight_.swap(rows_);
        report.done = records.size();
        // From the first row on (the refused ones among them too: events are acknowledged from
        // the front); those before it are settled.
        held_ = records.size() - in_rows.front();
        report.held = held_;
        report.poll_soon = true;
        return report;
      }
    }
    std::string sqlstate;
    Status loaded = load(rows_, sqlstate);
    if (!loaded.ok() && is_transient_sqlstate(sqlstate)) {
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
        if (is_transient_sqlstate(sqlstate)) {
          report.rejected.clear();
          report.status = std::move(one);
          return report;
        }
        report.rejected.push_back(Rejection{in_rows[r], std::string(one.message())});
      }
    }
    synchronous_ = false;
    report.done = records.size();
    return report;
  }

  // Without `complete_now`, an answer still on its way is not waited for: the machinery polls
  // again within milliseconds, and delivers new events meanwhile.
  DeliveryReport poll(bool complete_now) override {
    if (!complete_now && !answer_arrived()) {
      DeliveryReport report;
      report.held = held_;
      report.poll_soon = true;
      return report;
    }
    if (Status answered = finish_in_flight(); !answered.ok()) return lost(std::move(answered));
    return DeliveryReport{};
  }

  Status close() override { return finish_in_flight(); }

 private:
  // Renders the rows of `records` into rows_ (refused ones into `report`): `in_rows` the
  // records with a row, `row_begin` where each starts (and the end).
  void render(std::span<const RecordRef> records, DeliveryReport& report, std::vector<size_t>& in_rows,
              std::vector<size_t>& row_begin) {
    parsed_.parse(records);
    rows_.clear();
    for (size_t i = 0; i < records.size(); ++i) {
      if (const std::string* failure = parsed_.failure(i)) {
        report.rejected.push_back(Rejection{i, *failure});
        continue;
      }
      in_rows.push_back(i);
      row_begin.push_back(rows_.size());
      for (size_t c = 0; c < columns_.size(); ++c) {
        if (c > 0) rows_.push_back('\t');
        append_copy_value(parsed_.value(c, i), rows_);
      }
      rows_.push_back('\n');
    }
    row_begin.push_back(rows_.size());
  }

  // Whether reading the answer to the COPY in flight (if any) would not wait for the server. A
  // broken connection counts as arrived: finish_in_flight() reports it.
  bool answer_arrived() {
    if (in_flight_.empty()) return true;
    PGconn* conn = connection_.get();
    return PQconsumeInput(conn) == 0 || PQisBusy(conn) == 0;
  }

  static bool is_transient(const Status& status) { return status.code() == make_error_code(ConnectorErrc::kUnavailable); }

  // Starts `rows` as a COPY straight into the table without reading its answer.
  Status send(const std::string& rows) {
    bool fresh = false;
    if (std::optional<PostgresFailure> failure = connection_.connect(&fresh)) {
      return Status(ConnectorErrc::kUnavailable, failure->message);
    }
    if (fresh) staged_ = false;
    std::string sqlstate;
    if (std::optional<PostgresFailure> failure = connection_.exec(direct_copy_sql_, PGRES_COPY_IN)) {
      return failed(*failure, sqlstate);
    }
    PGconn* conn = connection_.get();
    if (PQputCopyData(conn, rows.data(), static_cast<int>(rows.size())) != 1 || PQputCopyEnd(conn, nullptr) != 1) {
      return Status(ConnectorErrc::kUnavailable,
                    fmt::format("PostgreSQL table {}: sending COPY rows: {}", table_, PQerrorMessage(conn)));
    }
    return Status();
  }

  // Reads the answer to the COPY in flight; a unique violation (a replay) loads its rows again
  // through the staging table. Afterwards nothing is in flight.
  Status finish_in_flight() {
    if (in_flight_.empty()) return Status();
    std::string rows;
    rows.swap(in_flight_);
    PGconn* conn = connection_.get();
    PostgresResult result(PQgetResult(conn));
    std::optional<PostgresFailure> failure = connection_.check(result.get(), PGRES_COMMAND_OK);
    result.reset();
    while (PGresult* rest = PQgetResult(conn)) PQclear(rest);
    std::string sqlstate;
    if (!failure) return Status();
    if (failure->sqlstate == kUniqueViolation) return load_staged(rows, sqlstate);
    return failed(*failure, sqlstate);
  }

  // The COPY in flight failed (`why`): its events are given back to be offered again; the
  // next deliveries load synchronously, so refused rows are found one by one.
  DeliveryReport lost(Status why) {
    synchronous_ = true;
    DeliveryReport report;
    report.status = std::move(why);
    report.dropped_held = true;
    return report;
  }

  // `failure` as the sink's status, its SQLSTATE in `sqlstate`: transient ones are retried.
  Status failed(const PostgresFailure& failure, std::string& sqlstate) const {
    sqlstate = failure.sqlstate;
    return Status(is_transient_sqlstate(sqlstate) ? ConnectorErrc::kUnavailable : ConnectorErrc::kRejected,
                  fmt::format("PostgreSQL table {}: {}", table_, failure.message));
  }

  // Loads `rows`, skipping ids already in the table. Most deliveries carry only new ids: they
  // are copied straight into the table, one statement, as fast as `psql \copy`. A delivery
  // with an id already there (a replay after a restart) fails that COPY as a whole with a
  // unique violation and is loaded again through the staging table, which skips those rows.
  Status load(const std::string& rows, std::string& sqlstate) {
    sqlstate.clear();
    bool fresh = false;
    if (std::optional<PostgresFailure> failure = connection_.connect(&fresh)) {
      return Status(ConnectorErrc::kUnavailable, failure->message);
    }
    if (fresh) staged_ = false;
    std::optional<PostgresFailure> failure = connection_.exec(direct_copy_sql_, PGRES_COPY_IN);
    if (!failure) failure = connection_.copy(rows);
    if (!failure) return Status();
    if (failure->sqlstate != kUniqueViolation) return failed(*failure, sqlstate);
    return load_staged(rows, sqlstate);
  }

  // One transaction: COPY `rows` into the staging table, insert what is new.
  Status load_staged(const std::string& rows, std::string& sqlstate) {
    std::optional<PostgresFailure> failure = connection_.exec("BEGIN", PGRES_COMMAND_OK);
    // The staging table lives as long as the connection (its rows only to the commit).
    if (!failure && !staged_) failure = connection_.exec(stage_sql_, PGRES_COMMAND_OK);
    if (!failure) failure = connection_.exec(copy_sql_, PGRES_COPY_IN);
    if (!failure) failure = connection_.copy(rows);
    if (!failure) failure = connection_.exec(insert_sql_, PGRES_COMMAND_OK);
    if (!failure) failure = connection_.exec("COMMIT", PGRES_COMMAND_OK);
    if (!failure) {
      staged_ = true;
      return Status();
    }
    connection_.rollback();
    return failed(*failure, sqlstate);
  }

  table::PostgresConnection connection_;
  std::string table_;
  const std::vector<std::pair<std::string, Expression>>& columns_;
  std::string stage_sql_, copy_sql_, insert_sql_, direct_copy_sql_;
  bool staged_ = false;  // the staging table exists on the connection
  bool synchronous_ = false;  // a pipelined COPY failed: load and wait until one succeeds
  std::string in_flight_;     // the rows of the COPY sent and not answered yet
  size_t held_ = 0;           // the events waiting for that answer
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
      // Each COPY is a transaction, whose commit waits for the WAL to be flushed: batches of
      // 20,000 rows loaded 0.87-1.23 times as fast as `psql \copy` where 5,000 loaded
      // 0.71-0.86 times (bench/connectors/run.sh). The queue holds two of them, one loading
      // while the next is rendered.
      20000,
      "1s",
      [](const TransportArgs& args) -> Result<std::unique_ptr<Transport>> {
        return std::unique_ptr<Transport>(std::make_unique<PostgresTransport>(args.options));
      },
      40000,
  };
  return descriptor;
}

}  // namespace caudal::pipeline::connectors
