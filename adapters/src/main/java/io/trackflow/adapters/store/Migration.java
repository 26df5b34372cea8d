package io.trackflow.adapters.store;

import java.util.List;

/**
 * One schema version of an event store: statements applied in order, once, at start-up. Every
 * statement is idempotent (IF NOT EXISTS and the like), so a start that dies between applying a
 * version and recording it simply applies it again.
 */
public record Migration(int version, String description, List<String> statements) {
  public Migration {
    statements = List.copyOf(statements);
  }
}
