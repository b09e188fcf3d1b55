/** Numbered SQL migrations, applied in order at start; a migration is never edited once it has shipped. */

export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'apps, builds, releases, config, formation, processes',
    sql: `
      CREATE TABLE apps (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        current_release_id INTEGER,
        created_at TEXT NOT NULL
      );
      CREATE TABLE builds (
        id TEXT PRIMARY KEY,
        app_id INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('building', 'succeeded', 'failed')),
        source_sha TEXT,
        manifest TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE TABLE releases (
        id INTEGER PRIMARY KEY,
        app_id INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        build_id TEXT REFERENCES builds(id),
        config TEXT NOT NULL,
        process_types TEXT NOT NULL,
        description TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        created_at TEXT NOT NULL,
        UNIQUE (app_id, version)
      );
      CREATE TABLE config_vars (
        app_id INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (app_id, key)
      );
      CREATE TABLE formation (
        app_id INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity >= 0),
        PRIMARY KEY (app_id, type)
      );
      CREATE TABLE processes (
        id TEXT PRIMARY KEY,
        app_id INTEGER NOT NULL,
        release_version INTEGER NOT NULL,
        type TEXT NOT NULL,
        number INTEGER NOT NULL,
        pid INTEGER,
        start_ticks TEXT,
        port INTEGER,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'addons, their attachments and the servers twelve runs for them',
    sql: `
      CREATE TABLE addon_servers (
        kind TEXT PRIMARY KEY,
        port INTEGER NOT NULL,
        version TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE addons (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        provider TEXT NOT NULL CHECK (provider IN ('twelve', 'external')),
        app_id INTEGER REFERENCES apps(id) ON DELETE SET NULL,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE addon_attachments (
        addon_id INTEGER NOT NULL REFERENCES addons(id) ON DELETE CASCADE,
        app_id INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (app_id, name)
      );
    `,
  },
  {
    version: 3,
    name: 'pipelines and their stages; removed builds; per-app build retention',
    sql: `
      CREATE TABLE pipelines (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE TABLE pipeline_apps (
        app_id INTEGER PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
        pipeline_id INTEGER NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
        stage TEXT NOT NULL CHECK (stage IN ('development', 'staging', 'production')),
        added_at TEXT NOT NULL
      );
      ALTER TABLE builds ADD COLUMN removed_at TEXT;
      ALTER TABLE apps ADD COLUMN build_retention INTEGER;
    `,
  },
  {
    version: 4,
    name: 'domains: extra host names per app',
    sql: `
      CREATE TABLE domains (
        hostname TEXT PRIMARY KEY,
        app_id INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL
      );
      CREATE INDEX domains_app ON domains (app_id);
    `,
  },
  {
    version: 5,
    name: 'log drains and per-app log retention',
    sql: `
      CREATE TABLE drains (
        id TEXT PRIMARY KEY,
        app_id INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (app_id, url)
      );
      CREATE TABLE log_settings (
        app_id INTEGER PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
        max_bytes INTEGER,
        max_age_ms INTEGER
      );
    `,
  },
  {
    version: 6,
    name: 'where each drain got to, so a restart of twelve resumes it from the stored log',
    sql: `
      ALTER TABLE drains ADD COLUMN sent_through INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 7,
    name: 'process sizes per type (ps:resize)',
    sql: `
      ALTER TABLE formation ADD COLUMN size TEXT;
    `,
  },
];
