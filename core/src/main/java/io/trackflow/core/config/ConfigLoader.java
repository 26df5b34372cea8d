package io.trackflow.core.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Resolves configuration once at start-up: defaults, then the config file (YAML or JSON), then
 * {@code TRACKFLOW_*} environment variables. The environment is a parameter so tests can pass
 * their own.
 */
public final class ConfigLoader {

  /** Environment variable naming the config file. */
  public static final String CONFIG_FILE_ENV = "TRACKFLOW_CONFIG";

  private ConfigLoader() {}

  /** Loads from the file named by {@code TRACKFLOW_CONFIG} (if any) and the given environment. */
  public static TrackflowConfig load(Map<String, String> env) {
    String file = env.get(CONFIG_FILE_ENV);
    Map<String, String> fromFile = file == null || file.isBlank() ? Map.of() : readFile(Path.of(file));
    return load(fromFile, env);
  }

  /** Resolves flattened file values (dotted keys) and environment overrides, then validates. */
  public static TrackflowConfig load(Map<String, String> fileValues, Map<String, String> env) {
    Set<String> known = java.util.Arrays.stream(Setting.values()).map(Setting::key)
        .collect(Collectors.toSet());
    for (String key : fileValues.keySet()) {
      if (!known.contains(key)) {
        throw new ConfigException("config file: unknown setting '" + key + "'");
      }
    }
    Set<String> knownEnv = java.util.Arrays.stream(Setting.values()).map(Setting::env)
        .collect(Collectors.toSet());
    for (String name : env.keySet()) {
      if (name.startsWith("TRACKFLOW_") && !name.equals(CONFIG_FILE_ENV) && !knownEnv.contains(name)) {
        throw new ConfigException(name + ": unknown setting");
      }
    }
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      String v = s.defaultValue();
      if (fileValues.containsKey(s.key())) {
        v = fileValues.get(s.key());
      }
      if (env.containsKey(s.env())) {
        v = env.get(s.env());
      }
      values.put(s, v == null ? "" : v.trim());
    }
    values.forEach(ConfigLoader::check);
    TrackflowConfig config = new TrackflowConfig(values);
    checkCombination(config);
    return config;
  }

  static Map<String, String> readFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(CONFIG_FILE_ENV + ": cannot read " + file + " (" + e.getMessage() + ")");
    }
    Object doc;
    try {
      doc = new Load(LoadSettings.builder().build()).loadFromString(text);
    } catch (RuntimeException e) {
      throw new ConfigException(CONFIG_FILE_ENV + ": " + file + " is not valid YAML/JSON: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    Map<String, String> flat = new LinkedHashMap<>();
    if (doc == null) {
      return flat;
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new ConfigException(CONFIG_FILE_ENV + ": " + file + " must hold a mapping of settings");
    }
    flatten("", map, flat);
    return flat;
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      Object value = e.getValue();
      if (value instanceof Map<?, ?> nested) {
        flatten(key + ".", nested, out);
      } else if (value instanceof List<?> list) {
        out.put(key, list.stream().map(String::valueOf).collect(Collectors.joining(",")));
      } else {
        out.put(key, value == null ? "" : String.valueOf(value));
      }
    }
  }

  private static void check(Setting s, String v) {
    switch (s.kind()) {
      case PORT -> {
        int port = parseInt(s, v);
        if (port < 0 || port > 65535) {
          throw new ConfigException(s.env() + ": port " + v + " is out of range 0-65535");
        }
      }
      case POSITIVE_INT -> {
        if (parseInt(s, v) <= 0) {
          throw new ConfigException(s.env() + ": must be a positive integer, got '" + v + "'");
        }
      }
      case URL, SECRET_URL -> {
        if (!v.isEmpty()) {
          try {
            URI uri = new URI(v);
            if (uri.getScheme() == null || uri.getHost() == null) {
              throw new URISyntaxException(v, "needs a scheme and a host");
            }
          } catch (URISyntaxException e) {
            String shown = s.secret() ? "(value hidden)" : "'" + v + "'";
            throw new ConfigException(s.env() + ": not a valid URL " + shown + ": " + e.getReason());
          }
        }
      }
      default -> { }
    }
  }

  private static int parseInt(Setting s, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(s.env() + ": expected a number, got '" + v + "'");
    }
  }

  private static void checkCombination(TrackflowConfig c) {
    Set<Role> roles = c.roles();
    if (roles.isEmpty()) {
      throw new ConfigException("TRACKFLOW_ROLES: at least one role is needed");
    }
    boolean split = roles.size() < Role.values().length;
    if (split && c.kafkaBootstrap().isEmpty()
        && (roles.contains(Role.COLLECTOR) != roles.contains(Role.WRITER))) {
      throw new ConfigException("TRACKFLOW_ROLES=" + c.string(Setting.ROLES)
          + " needs TRACKFLOW_KAFKA_BOOTSTRAP: the in-process queue only joins a collector and a"
          + " writer in the same process");
    }
    if (split && c.clickhouseUrl().isEmpty()
        && roles.contains(Role.QUERY) != roles.contains(Role.WRITER)) {
      throw new ConfigException("TRACKFLOW_ROLES=" + c.string(Setting.ROLES)
          + " needs TRACKFLOW_CLICKHOUSE_URL: the embedded DuckDB store is only shared by a writer"
          + " and a query role in the same process");
    }
    if (split && c.pgUrl().isEmpty()
        && roles.contains(Role.COLLECTOR) && !roles.contains(Role.QUERY)) {
      throw new ConfigException("TRACKFLOW_ROLES=" + c.string(Setting.ROLES)
          + " needs TRACKFLOW_PG_URL: a collector without the query role reads its site list from"
          + " PostgreSQL");
    }
    if (c.integer(Setting.KAFKA_DELIVERY_TIMEOUT_MS) < 1000) {
      // Kafka needs room for a request timeout below it; less than a second only causes failures.
      throw new ConfigException(Setting.KAFKA_DELIVERY_TIMEOUT_MS.env() + ": must be at least 1000 ms");
    }
    if (!c.string(Setting.ADMIN_EMAIL).isEmpty() != !c.string(Setting.ADMIN_PASSWORD).isEmpty()) {
      throw new ConfigException("TRACKFLOW_ADMIN_EMAIL and TRACKFLOW_ADMIN_PASSWORD must be set together");
    }
  }
}
