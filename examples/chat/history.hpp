// The chat's history: public messages in an SQLite file, so that they outlive the server.

#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace chat {

/// One chat message as the page shows it.
struct Message {
  std::string user;
  std::string content;
  std::int64_t create_at = 0;  // milliseconds since 1970, as JavaScript's Date.now()
};

/// Public messages in an SQLite file, so the history outlives the server. Several servers may
/// use the same file at once.
class History {
 public:
  /// How long a write waits for another server's to end. A message is one short INSERT, so
  /// waiting longer would mean a file that something else holds.
  static constexpr int busy_timeout_ms = 2000;

  /// Opens (or creates) the database at `path`. \throws std::runtime_error when it cannot.
  explicit History(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) fail("cannot open " + path);
    // Several chat servers may share the file (chat --redis): in WAL mode one reads while another
    // writes, and a writer waits a little for another's write to end rather than fail at once.
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    exec("PRAGMA journal_mode=WAL");
    exec("CREATE TABLE IF NOT EXISTS messages ("
         " id INTEGER PRIMARY KEY AUTOINCREMENT,"
         " user TEXT NOT NULL, content TEXT NOT NULL, create_at INTEGER NOT NULL)");
    prepare(insert_, "INSERT INTO messages (user, content, create_at) VALUES (?, ?, ?)");
    prepare(select_,
            "SELECT user, content, create_at FROM"
            " (SELECT id, user, content, create_at FROM messages ORDER BY id DESC LIMIT ?)"
            " ORDER BY id ASC");
  }
  ~History() {
    sqlite3_finalize(insert_);
    sqlite3_finalize(select_);
    sqlite3_close(db_);
  }
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  /// Stores a message. \throws std::runtime_error on a database error.
  void add(const Message& m) {
    sqlite3_reset(insert_);
    sqlite3_bind_text(insert_, 1, m.user.data(), static_cast<int>(m.user.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert_, 2, m.content.data(), static_cast<int>(m.content.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert_, 3, m.create_at);
    if (sqlite3_step(insert_) != SQLITE_DONE) fail("cannot store a message");
  }

  /// The last `count` messages, oldest first. \throws std::runtime_error on a database error.
  std::vector<Message> last(int count) {
    std::vector<Message> out;
    sqlite3_reset(select_);
    sqlite3_bind_int(select_, 1, count);
    int rc;
    while ((rc = sqlite3_step(select_)) == SQLITE_ROW) {
      Message m;
      m.user = column_text(0);
      m.content = column_text(1);
      m.create_at = sqlite3_column_int64(select_, 2);
      out.push_back(std::move(m));
    }
    if (rc != SQLITE_DONE) fail("cannot read the history");
    return out;
  }

 private:
  std::string column_text(int i) {
    auto* text = reinterpret_cast<const char*>(sqlite3_column_text(select_, i));
    return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(select_, i))) : std::string();
  }
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
  }
  void prepare(sqlite3_stmt*& stmt, const char* sql) {
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) fail(sql);
  }
  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("chat history: " + what + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* select_ = nullptr;
};

}  // namespace chat
