package io.trackflow.adapters.store.clickhouse;

import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Where and how the ClickHouse event store connects: the HTTP interface's base URL, the database
 * holding the events table, credentials, and the time limits of queries and inserts.
 */
public record ClickHouseOptions(
    URI url, String database, String user, String password, Duration queryTimeout, Duration insertTimeout) {

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  /** Server-side limit for a dashboard query; the HTTP request waits a little longer. */
  public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(30);

  /** How long one batch insert may take before it counts as failed (and is retried by the writer). */
  public static final Duration DEFAULT_INSERT_TIMEOUT = Duration.ofSeconds(120);

  public ClickHouseOptions {
    if (url == null || url.getHost() == null) {
      throw new IllegalArgumentException("ClickHouse URL needs a host, e.g. http://localhost:8123: " + url);
    }
    // The database name is put into DDL unquoted-safe only if it is a plain identifier.
    if (database == null || !IDENTIFIER.matcher(database).matches()) {
      throw new IllegalArgumentException(
          "ClickHouse database must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*): " + database);
    }
    user = user == null || user.isEmpty() ? "default" : user;
    password = password == null ? "" : password;
    queryTimeout = queryTimeout == null ? DEFAULT_QUERY_TIMEOUT : queryTimeout;
    insertTimeout = insertTimeout == null ? DEFAULT_INSERT_TIMEOUT : insertTimeout;
  }

  /** Options for {@code url} and {@code database} with the default user and time limits. */
  public static ClickHouseOptions of(String url, String database) {
    return new ClickHouseOptions(URI.create(url), database, "default", "", null, null);
  }

  /** Options from the process configuration; {@code clickhouse.url} must be set. */
  public static ClickHouseOptions from(TrackflowConfig config) {
    URI url = config.clickhouseUrl()
        .orElseThrow(() -> new IllegalArgumentException("clickhouse.url is not set"));
    return new ClickHouseOptions(url, config.string(Setting.CLICKHOUSE_DATABASE),
        config.string(Setting.CLICKHOUSE_USER), config.string(Setting.CLICKHOUSE_PASSWORD), null, null);
  }

  /** The endpoint requests are posted to: the URL with exactly one trailing slash. */
  String endpoint() {
    String base = url.toString();
    return base.endsWith("/") ? base : base + "/";
  }

  @Override
  public String toString() {
    return "ClickHouseOptions[url=" + url + ", database=" + database + ", user=" + user + "]";
  }
}
