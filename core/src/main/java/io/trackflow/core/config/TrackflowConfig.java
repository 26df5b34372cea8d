package io.trackflow.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Resolved, validated, immutable configuration of one TrackFlow process. */
public final class TrackflowConfig {

  private final Map<Setting, String> values;

  TrackflowConfig(Map<Setting, String> values) {
    this.values = Collections.unmodifiableMap(new EnumMap<>(values));
  }

  /** The defaults alone: standalone, every role, embedded adapters. */
  public static TrackflowConfig defaults() {
    return ConfigLoader.load(Map.of(), Map.of());
  }

  /** A copy with some settings replaced, validated like a loaded one (handy in tests). */
  public TrackflowConfig with(Map<Setting, String> overrides) {
    Map<String, String> env = new java.util.HashMap<>();
    values.forEach((s, v) -> env.put(s.env(), v));
    overrides.forEach((s, v) -> env.put(s.env(), v));
    return ConfigLoader.load(Map.of(), env);
  }

  public String string(Setting setting) {
    return values.get(setting);
  }

  public Optional<String> optional(Setting setting) {
    String v = values.get(setting);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  public int integer(Setting setting) {
    return Integer.parseInt(values.get(setting));
  }

  public List<String> list(Setting setting) {
    String v = values.get(setting);
    if (v == null || v.isBlank()) {
      return List.of();
    }
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public Set<Role> roles() {
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    list(Setting.ROLES).forEach(r -> roles.add(Role.parse(r)));
    return Collections.unmodifiableSet(roles);
  }

  public boolean hasRole(Role role) {
    return roles().contains(role);
  }

  public boolean standalone() {
    return roles().size() == Role.values().length && kafkaBootstrap().isEmpty();
  }

  public int httpPort() {
    return integer(Setting.HTTP_PORT);
  }

  public String httpHost() {
    return string(Setting.HTTP_HOST);
  }

  public Path dataDir() {
    return Path.of(string(Setting.DATA_DIR));
  }

  /** Where the collector's pixel spool lives: its own setting, else {@code spool} in the data dir. */
  public Path spoolDir() {
    return optional(Setting.COLLECTOR_SPOOL_DIR).map(Path::of).orElse(dataDir().resolve("spool"));
  }

  public Optional<String> kafkaBootstrap() {
    return optional(Setting.KAFKA_BOOTSTRAP);
  }

  public Optional<URI> redisUrl() {
    return optional(Setting.REDIS_URL).map(URI::create);
  }

  public Optional<URI> clickhouseUrl() {
    return optional(Setting.CLICKHOUSE_URL).map(URI::create);
  }

  public Optional<String> pgUrl() {
    return optional(Setting.PG_URL);
  }

  /** One line per setting with secrets masked, for the start-up log. */
  public String describe() {
    return values.entrySet().stream()
        .map(e -> e.getKey().key() + "=" + mask(e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }

  private static String mask(Setting setting, String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    if (setting.kind() == Setting.Kind.SECRET) {
      return "****";
    }
    if (setting.kind() == Setting.Kind.SECRET_URL) {
      return value.replaceAll("//([^:/@]+):[^@]*@", "//$1:****@");
    }
    return value;
  }
}
