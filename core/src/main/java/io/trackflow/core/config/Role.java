package io.trackflow.core.config;

import java.util.Locale;

/** A role a TrackFlow process can run. */
public enum Role {
  COLLECTOR, WRITER, QUERY;

  public static Role parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("TRACKFLOW_ROLES: unknown role '" + value.trim()
          + "' (expected collector, writer or query)");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
