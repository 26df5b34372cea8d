package io.trackflow.core.config;

/** Bad or contradictory configuration; its message names the setting and stops start-up. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
