// The PostgreSQL connector against a real PostgreSQL 15 (initdb + postgres on a free port in a
// temp dir; as root, both run as the `postgres` user through runuser, since PostgreSQL refuses
// to run as root): COPY in batches, idempotent on the id, the server down at start, a row the
// table refuses dead-lettered alone; and lookup tables loaded from it (table/postgres_source.cc),
// whose refused connections at open and reload are reported while the old rows keep serving.
#include <libpq-fe.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/connectors/registry.h"
#include "pipeline/connectors/tests/test_servers.h"
#include "table/errc.h"
#include "table/lookup_table.h"

namespace caudal::pipeline::connectors::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kBin = "/usr/lib/postgresql/15/bin";

// argv run as the postgres user when the test runs as root.
std::vector<std::string> as_server_user(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  std::vector<std::string> out = {"runuser", "-u", "postgres", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

class PostgresTest : public ConnectorTest {
 protected:
  void SetUp() override {
    port_ = free_port();
    data_ = dir_.path() / "pg";
    if (geteuid() == 0) {
      ASSERT_EQ(std::system(fmt::format("chown postgres '{}'", dir_.path().string()).c_str()), 0);
    }
    const std::string command = fmt::format("{} > /dev/null 2>&1", [&] {
      std::string joined;
      for (const std::string& arg : as_server_user({fmt::format("{}/initdb", kBin), "-D", data_.string(), "-U", "caudal",
                                                    "--auth=trust", "-E", "UTF8", "--no-sync"})) {
        joined += "'" + arg + "' ";
      }
      return joined;
    }());
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }

  std::string conninfo() const {
    return fmt::format("host=127.0.0.1 port={} dbname=postgres user=caudal connect_timeout=2", port_);
  }

  void start_postgres() {
    server_ = std::make_unique<ChildProcess>(
        as_server_user({fmt::format("{}/postgres", kBin), "-D", data_.string(), "-p", std::to_string(port_), "-h",
                        "127.0.0.1", "-k", dir_.path().string(), "-c", "fsync=off"}),
        true);
    ASSERT_TRUE(eventually([&] { return sql("SELECT 1") == "1"; }, 20s)) << "postgres did not start";
    ASSERT_EQ(sql("CREATE TABLE IF NOT EXISTS readings (id text PRIMARY KEY, device text NOT NULL, value double precision, "
                  "at timestamptz, doc jsonb)"),
              "");
  }

  // Runs `query` and returns the rows as "a|b" lines joined by ";" (empty for commands).
  std::string sql(const std::string& query) {
    PGconn* conn = PQconnectdb(conninfo().c_str());
    std::string out = "<unavailable>";
    if (PQstatus(conn) == CONNECTION_OK) {
      PGresult* result = PQexec(conn, query.c_str());
      out.clear();
      for (int r = 0; r < PQntuples(result); ++r) {
        if (r > 0) out += ";";
        for (int c = 0; c < PQnfields(result); ++c) {
          if (c > 0) out += "|";
          out += PQgetvalue(result, r, c);
        }
      }
      if (PQresultStatus(result) == PGRES_FATAL_ERROR) out = PQresultErrorMessage(result);
      PQclear(result);
    }
    PQfinish(conn);
    return out;
  }

  std::unique_ptr<Sink> open() {
    return open_to(fmt::format(
        "      - postgres:\n"
        "          conninfo: \"{}\"\n"
        "          table: readings\n"
        "          id_column: id\n"
        "          columns: {{ id: id, device: device, value: value, at: 'parse_time(at, \"iso8601\")', doc: doc }}\n"
        "          batch_records: 100\n"
        "          linger: 20ms\n"
        "          retry_backoff: 50ms\n"
        "          retry_backoff_max: 200ms\n",
        conninfo()));
  }

  static std::string reading(int n, const std::string& device = "d") {
    return fmt::format(R"({{"id":"e{}","device":"{}","value":{}.5,"at":"2026-11-21T18:00:0{}Z","doc":{{"tab":"a\tb","n":{}}}}})", n,
                       device, n, n, n);
  }

  int port_ = 0;
  fs::path data_;
  std::unique_ptr<ChildProcess> server_;
};

TEST_F(PostgresTest, RowsAreCopiedOnceEvenWhenDeliveredAgain) {
  start_postgres();
  auto sink = open();
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({reading(1), reading(2), reading(3)}), acks_.callback());
  // The same events again (a replay after a restart), plus a new one.
  sink->write(json_batch({reading(2), reading(3), reading(4)}), acks_.callback());
  ASSERT_TRUE(acks_.wait(2, 20s));
  EXPECT_EQ(sql("SELECT id, device, value, at AT TIME ZONE 'UTC', doc->>'tab' FROM readings ORDER BY id"),
            "e1|d|1.5|2026-11-21 18:00:01|a\tb;e2|d|2.5|2026-11-21 18:00:02|a\tb;e3|d|3.5|2026-11-21 18:00:03|a\tb;"
            "e4|d|4.5|2026-11-21 18:00:04|a\tb");
  EXPECT_TRUE(dead_letters_->records.empty());
}

TEST_F(PostgresTest, ServerDownAtStartRowsWaitThenArriveOnce) {
  auto sink = open();
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({reading(1), reading(2)}), acks_.callback());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(acks_.ok(), 0u);
  start_postgres();
  ASSERT_TRUE(acks_.wait(1, 20s));
  EXPECT_EQ(sql("SELECT count(*) FROM readings"), "2");
}

TEST_F(PostgresTest, RowsWaitForATableCreatedAfterTheSinkStarted) {
  start_postgres();
  ASSERT_EQ(sql("DROP TABLE readings"), "");
  auto sink = open();
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({reading(1), reading(2)}), acks_.callback());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(acks_.ok(), 0u);
  ASSERT_EQ(sql("CREATE TABLE readings (id text PRIMARY KEY, device text NOT NULL, value double precision, "
                "at timestamptz, doc jsonb)"),
            "");
  ASSERT_TRUE(acks_.wait(1, 20s));
  EXPECT_EQ(sql("SELECT count(*) FROM readings"), "2");
  std::lock_guard lock(dead_letters_->mutex);
  EXPECT_TRUE(dead_letters_->records.empty());
}

TEST_F(PostgresTest, ARowTheTableRefusesIsDeadLetteredAlone) {
  start_postgres();
  auto sink = open();
  ASSERT_NE(sink, nullptr);
  // e2 has no device: NOT NULL refuses it; e1 and e3 are loaded.
  sink->write(json_batch({reading(1), R"({"id":"e2","value":1,"at":"2026-11-21T18:00:00Z"})", reading(3)}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 20s));
  EXPECT_EQ(sql("SELECT id FROM readings ORDER BY id"), "e1;e3");
  std::lock_guard lock(dead_letters_->mutex);
  ASSERT_EQ(dead_letters_->records.size(), 1u);
  EXPECT_NE(dead_letters_->records[0].find(R"("reason":"PostgreSQL table readings: ERROR:  null value in column \"device\")"),
            std::string::npos) << dead_letters_->records[0];
  EXPECT_NE(dead_letters_->records[0].find(R"("event":{"id":"e2","value":1,"at":"2026-11-21T18:00:00Z"})"), std::string::npos);
}

class PostgresTableTest : public PostgresTest {
 protected:
  void create_customers() {
    ASSERT_EQ(sql("CREATE TABLE customers (id integer PRIMARY KEY, name text, zone text, vip boolean, "
                  "credit numeric(10,2), seen timestamptz)"),
              "");
    ASSERT_EQ(sql("INSERT INTO customers VALUES (1, 'Ada', 'u09', true, 12.50, '2026-11-21 18:00:00+00'), "
                  "(2, 'Bob \"B\"', NULL, false, NULL, NULL)"),
              "");
  }

  Result<std::unique_ptr<table::LookupTable>> open_table(table::PostgresSource source) {
    table::LookupTableOptions options;
    options.name = "customers";
    options.source = std::move(source);
    options.key_column = "id";
    options.reload_interval = std::chrono::milliseconds(100);
    return table::LookupTable::open(std::move(options), registry_);
  }

  static std::string row_json(const table::LookupTable& table, int64_t key) {
    const table::LookupRow* row = table.snapshot()->find(key);
    return row == nullptr ? "<missing>" : std::string(row->json());
  }
};

TEST_F(PostgresTableTest, ATableOrAQueryIsLoadedWithItsColumnTypes) {
  start_postgres();
  create_customers();
  auto whole = open_table(table::PostgresSource{conninfo(), "customers", ""});
  ASSERT_TRUE(whole.ok()) << whole.status().to_string();
  EXPECT_EQ((*whole)->snapshot()->size(), 2u);
  EXPECT_EQ(row_json(**whole, 1),
            R"({"id":1,"name":"Ada","zone":"u09","vip":true,"credit":12.5,"seen":"2026-11-21 18:00:00+00"})");
  EXPECT_EQ(row_json(**whole, 2), R"({"id":2,"name":"Bob \"B\"","zone":null,"vip":false,"credit":null,"seen":null})");
  auto query = open_table(table::PostgresSource{conninfo(), "", "SELECT id, upper(name) AS shout FROM customers WHERE vip"});
  ASSERT_TRUE(query.ok()) << query.status().to_string();
  EXPECT_EQ(row_json(**query, 1), R"({"id":1,"shout":"ADA"})");
  EXPECT_EQ(row_json(**query, 2), "<missing>");
  EXPECT_EQ(table::describe(table::Source(table::PostgresSource{conninfo() + " password=hunter2", "customers", ""})),
            fmt::format("postgres postgres on 127.0.0.1:{} table customers", port_))
      << "the description names the database, never the password";
}

TEST_F(PostgresTableTest, AWrongQueryIsReportedWithTheServersMessage) {
  start_postgres();
  create_customers();
  auto bad = open_table(table::PostgresSource{conninfo(), "", "SELECT nope FROM customers"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), table::Errc::kMalformedSource);
  EXPECT_NE(bad.status().message().find(fmt::format("postgres postgres on 127.0.0.1:{} query: ERROR:  column \"nope\" does not exist", port_)),
            std::string::npos) << bad.status().message();
  auto missing = open_table(table::PostgresSource{conninfo(), "absent", ""});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("relation \"absent\" does not exist"), std::string::npos)
      << missing.status().message();
}

TEST_F(PostgresTableTest, ARefusedConnectionFailsTheOpenAndAReloadWhileTheOldRowsKeepServing) {
  auto refused = open_table(table::PostgresSource{conninfo(), "customers", ""});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), table::Errc::kSourceUnavailable);
  EXPECT_NE(refused.status().message().find(
                fmt::format("postgres postgres on 127.0.0.1:{} table customers: connecting to PostgreSQL: ", port_)),
            std::string::npos) << refused.status().message();

  start_postgres();
  create_customers();
  auto table = open_table(table::PostgresSource{conninfo(), "customers", ""});
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  server_->stop(SIGINT);  // the server goes away (a fast shutdown, so it starts again at once)
  server_.reset();
  ASSERT_EQ(sql("SELECT 1"), "<unavailable>");
  Result<bool> failed = (*table)->reload_if_changed();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("connecting to PostgreSQL"), std::string::npos) << failed.status().message();
  EXPECT_EQ(row_json(**table, 1).substr(0, 20), R"({"id":1,"name":"Ada")") << "the previous snapshot keeps serving";
  EXPECT_FALSE((*table)->last_reload_error().ok());
  EXPECT_NE(registry_.render().find("caudal_table_reload_errors_total{table=\"customers\"} 1"), std::string::npos);

  start_postgres();
  ASSERT_EQ(sql("INSERT INTO customers (id, name) VALUES (3, 'Cy')"), "");
  Result<bool> reloaded = (*table)->reload_if_changed();
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().to_string();
  EXPECT_TRUE(*reloaded) << "a server is read again at every check: it cannot say whether it changed";
  EXPECT_EQ(row_json(**table, 3), R"({"id":3,"name":"Cy","zone":null,"vip":null,"credit":null,"seen":null})");
  EXPECT_TRUE((*table)->last_reload_error().ok());
}

}  // namespace
}  // namespace caudal::pipeline::connectors::testing
