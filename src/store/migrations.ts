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
];
