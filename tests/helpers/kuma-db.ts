import Database from 'better-sqlite3';

/**
 * A kuma.db as Uptime Kuma's SQLite schema lays it out: the tables of db/kuma.sqlite with the columns its
 * db/patch-*.sql files and db/knex_migrations add (1.x names, plus dns_resolve_port and json_path_operator of 2.x).
 * Only what the importer reads, and with Kuma's own types and defaults.
 */
const KUMA_SCHEMA = `
CREATE TABLE user (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, username VARCHAR(255) NOT NULL UNIQUE, password VARCHAR(255));
CREATE TABLE monitor (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR(150), active BOOLEAN DEFAULT 1 NOT NULL,
  user_id INTEGER REFERENCES user(id), interval INTEGER DEFAULT 20 NOT NULL, url TEXT, type VARCHAR(20),
  weight INTEGER DEFAULT 2000, hostname VARCHAR(255), port INTEGER, created_date DATETIME DEFAULT (DATETIME('now')) NOT NULL,
  keyword VARCHAR(255), maxretries INTEGER NOT NULL DEFAULT 0, ignore_tls BOOLEAN DEFAULT 0 NOT NULL,
  upside_down BOOLEAN DEFAULT 0 NOT NULL, maxredirects INTEGER DEFAULT 10 NOT NULL,
  accepted_statuscodes_json TEXT DEFAULT '["200-299"]' NOT NULL, dns_resolve_type VARCHAR(5), dns_resolve_server VARCHAR(255),
  dns_last_result VARCHAR(255), retry_interval INTEGER DEFAULT 0 NOT NULL, push_token VARCHAR(20) DEFAULT NULL,
  method TEXT DEFAULT 'GET' NOT NULL, body TEXT DEFAULT NULL, headers TEXT DEFAULT NULL, basic_auth_user TEXT DEFAULT NULL,
  basic_auth_pass TEXT DEFAULT NULL, resend_interval INTEGER DEFAULT 0 NOT NULL, expiry_notification BOOLEAN DEFAULT 1,
  proxy_id INTEGER, description TEXT DEFAULT NULL, parent INTEGER REFERENCES monitor(id), invert_keyword BOOLEAN DEFAULT 0 NOT NULL,
  json_path TEXT, expected_value VARCHAR(255), timeout DOUBLE DEFAULT 0 NOT NULL, auth_method VARCHAR(250) DEFAULT NULL,
  http_body_encoding VARCHAR(25), tls_ca TEXT DEFAULT NULL, tls_cert TEXT DEFAULT NULL, tls_key TEXT DEFAULT NULL,
  packet_size INTEGER DEFAULT 56 NOT NULL, docker_container VARCHAR(255), docker_host INTEGER, database_connection_string VARCHAR(2000),
  dns_resolve_port INTEGER DEFAULT 53, json_path_operator VARCHAR(10)
);
CREATE TABLE notification (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR(255), config VARCHAR(255),
  active BOOLEAN DEFAULT 1 NOT NULL, user_id INTEGER NOT NULL, is_default BOOLEAN DEFAULT 0 NOT NULL);
CREATE TABLE monitor_notification (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  monitor_id INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE ON UPDATE CASCADE,
  notification_id INTEGER NOT NULL REFERENCES notification(id) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE tag (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR(255) NOT NULL, color VARCHAR(255) NOT NULL,
  created_date DATETIME DEFAULT (DATETIME('now')) NOT NULL);
CREATE TABLE monitor_tag (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, monitor_id INTEGER NOT NULL, tag_id INTEGER NOT NULL, value TEXT);
CREATE TABLE status_page (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, slug VARCHAR(255) NOT NULL UNIQUE, title VARCHAR(255) NOT NULL,
  description TEXT, icon VARCHAR(255) NOT NULL, theme VARCHAR(30) NOT NULL, published BOOLEAN NOT NULL DEFAULT 1,
  search_engine_index BOOLEAN NOT NULL DEFAULT 1, show_tags BOOLEAN NOT NULL DEFAULT 0, password VARCHAR,
  created_date DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, modified_date DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  footer_text TEXT, custom_css TEXT, show_powered_by BOOLEAN NOT NULL DEFAULT 1, google_analytics_tag_id VARCHAR);
CREATE TABLE status_page_cname (id INTEGER PRIMARY KEY AUTOINCREMENT, status_page_id INTEGER REFERENCES status_page(id),
  domain VARCHAR NOT NULL UNIQUE);
CREATE TABLE "group" (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR(255) NOT NULL,
  created_date DATETIME DEFAULT (DATETIME('now')) NOT NULL, public BOOLEAN DEFAULT 0 NOT NULL, active BOOLEAN DEFAULT 1 NOT NULL,
  weight BOOLEAN NOT NULL DEFAULT 1000, status_page_id INTEGER REFERENCES status_page(id));
CREATE TABLE monitor_group (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, monitor_id INTEGER NOT NULL REFERENCES monitor(id),
  group_id INTEGER NOT NULL REFERENCES "group"(id), weight BOOLEAN NOT NULL DEFAULT 1000, send_url BOOLEAN NOT NULL DEFAULT 0);
`;

export type Row = Record<string, string | number | null>;

/** Writes a kuma.db at `file` holding the given rows (table → rows, columns by Kuma's names). */
export function writeKumaDb(file: string, rows: Record<string, Row[]>): void {
  const db = new Database(file);
  try {
    db.exec(KUMA_SCHEMA);
    db.prepare("INSERT INTO user (username, password) VALUES ('admin', 'x')").run();
    for (const [table, list] of Object.entries(rows)) {
      for (const row of list) {
        const cols = Object.keys(row);
        db.prepare(`INSERT INTO "${table}" (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
      }
    }
  } finally {
    db.close();
  }
}
