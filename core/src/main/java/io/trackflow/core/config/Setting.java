package io.trackflow.core.config;

/**
 * Every configuration setting: its key in the config file, its environment variable, its default
 * and what it means. The README's configuration table lists exactly these (a test checks it).
 */
public enum Setting {
  ROLES("roles", "collector,writer,query", Kind.LIST,
      "Roles this process runs: any of collector, writer, query."),
  HTTP_HOST("http.host", "0.0.0.0", Kind.STRING, "Address the HTTP server binds to."),
  HTTP_PORT("http.port", "8080", Kind.PORT, "HTTP port for every role in this process."),
  DATA_DIR("data.dir", "./data", Kind.STRING,
      "Directory for embedded stores (DuckDB files, daily salts, generated keys)."),
  KAFKA_BOOTSTRAP("kafka.bootstrap", "", Kind.STRING,
      "Kafka bootstrap servers; when set the queue is Kafka instead of the in-process queue."),
  KAFKA_TOPIC("kafka.topic", "trackflow.events", Kind.STRING, "Topic events are published to."),
  KAFKA_GROUP("kafka.group", "trackflow-writer", Kind.STRING, "Consumer group of the writers."),
  KAFKA_PARTITIONS("kafka.partitions", "6", Kind.POSITIVE_INT,
      "Partitions of the events topic when it is created at start-up; writers scale up to this."),
  KAFKA_DELIVERY_TIMEOUT_MS("kafka.delivery.timeout.ms", "15000", Kind.POSITIVE_INT,
      "How long the collector's Kafka producer keeps trying to deliver a publish before it fails (milliseconds, at least 1000)."),
  REDIS_URL("redis.url", "", Kind.URL,
      "Redis URL (redis://host:port); when set dedup, salts, cache and sign-in limits use Redis."),
  CLICKHOUSE_URL("clickhouse.url", "", Kind.URL,
      "ClickHouse HTTP URL (http://host:8123); when set events are stored in ClickHouse."),
  CLICKHOUSE_DATABASE("clickhouse.database", "trackflow", Kind.STRING,
      "ClickHouse database holding the events table."),
  CLICKHOUSE_USER("clickhouse.user", "default", Kind.STRING, "ClickHouse user."),
  CLICKHOUSE_PASSWORD("clickhouse.password", "", Kind.SECRET, "ClickHouse password."),
  PG_URL("pg.url", "", Kind.SECRET_URL,
      "PostgreSQL URL (postgresql://user:pass@host:5432/db); when set accounts live there."),
  ADMIN_EMAIL("admin.email", "", Kind.STRING,
      "On first start, with no user yet, create this admin user."),
  ADMIN_PASSWORD("admin.password", "", Kind.SECRET, "Password of that first admin user."),
  JWT_SECRET("auth.jwt.secret", "", Kind.SECRET,
      "Key (32+ characters) signing access tokens; when empty one is generated in the data dir. Give every query replica the same."),
  LOGIN_LIMIT_IP("auth.login.limit.ip", "30", Kind.POSITIVE_INT,
      "Sign-in attempts one client address may make per window before getting 429."),
  LOGIN_LIMIT_ACCOUNT("auth.login.limit.account", "10", Kind.POSITIVE_INT,
      "Failed sign-ins one account may have per window before getting 429."),
  LOGIN_WINDOW_SECONDS("auth.login.window.seconds", "900", Kind.POSITIVE_INT,
      "Length of the sliding window for the sign-in limits (seconds)."),
  QUEUE_CAPACITY("queue.capacity", "100000", Kind.POSITIVE_INT,
      "Events the in-process queue holds before beacons get 503."),
  WRITER_BATCH_SIZE("writer.batch.size", "10000", Kind.POSITIVE_INT,
      "Rows per insert: a batch is flushed when it reaches this size."),
  WRITER_BATCH_AGE_MS("writer.batch.age.ms", "1000", Kind.POSITIVE_INT,
      "A batch is flushed when its oldest row is this old (milliseconds)."),
  TRUSTED_PROXIES("collector.trusted.proxies", "", Kind.LIST,
      "Proxy addresses or CIDRs whose X-Forwarded-For is trusted for the client IP."),
  COLLECTOR_PATH_QUERY("collector.path.query", "", Kind.LIST,
      "Query parameters kept in page paths (names, or * for all but UTM tags); none by default."),
  COLLECTOR_MAX_BODY_BYTES("collector.max.body.bytes", "262144", Kind.POSITIVE_INT,
      "Largest beacon request body accepted; larger ones get 413."),
  COLLECTOR_SPOOL_DIR("collector.spool.dir", "", Kind.STRING,
      "Directory of the pixel spool, where a cluster collector keeps pixel hits while Kafka is unavailable; empty = spool in the data dir."),
  COLLECTOR_SPOOL_MAX_MB("collector.spool.max.mb", "512", Kind.POSITIVE_INT,
      "Disk space the pixel spool may take (MiB); pixel hits beyond it are dropped and counted as lost."),
  COLLECTOR_DEDUP_WINDOW_MS("collector.dedup.window.ms", "3600000", Kind.POSITIVE_INT,
      "How long an event id is remembered so a repeated hit (a retry) is dropped."),
  GEO_CITY_DB("geo.city.db", "", Kind.STRING,
      "MaxMind-format city database (.mmdb, e.g. GeoLite2-City); when set events carry region and city."),
  STATS_ROLLUPS("stats.rollups", "auto", Kind.STRING,
      "Stats answers from the hourly and daily rollups (exact, built by the writers): auto (ranges with at least stats.rollups.min.sessions sessions), always, or never (raw tables only, no rollups built)."),
  STATS_ROLLUPS_MIN_SESSIONS("stats.rollups.min.sessions", "100000", Kind.POSITIVE_INT,
      "In auto mode, the sessions a range needs before it is answered from the rollups; smaller answers read the raw tables."),
  SHUTDOWN_TIMEOUT_MS("shutdown.timeout.ms", "8000", Kind.POSITIVE_INT,
      "How long a clean shutdown may take to flush before it gives up."),
  LOG_LEVEL("log.level", "INFO", Kind.STRING, "Root log level: ERROR, WARN, INFO, DEBUG.");

  /** How a setting's value is checked. */
  public enum Kind {
    STRING, SECRET, LIST, PORT, POSITIVE_INT, URL, SECRET_URL
  }

  private final String key;
  private final String defaultValue;
  private final Kind kind;
  private final String description;

  Setting(String key, String defaultValue, Kind kind, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.kind = kind;
    this.description = description;
  }

  /** Key in the config file, dotted for nesting (http.port is {@code http: {port: …}}). */
  public String key() {
    return key;
  }

  /** The environment variable that overrides the file, e.g. TRACKFLOW_HTTP_PORT. */
  public String env() {
    return "TRACKFLOW_" + name();
  }

  public String defaultValue() {
    return defaultValue;
  }

  public Kind kind() {
    return kind;
  }

  public String description() {
    return description;
  }

  public boolean secret() {
    return kind == Kind.SECRET || kind == Kind.SECRET_URL;
  }
}
