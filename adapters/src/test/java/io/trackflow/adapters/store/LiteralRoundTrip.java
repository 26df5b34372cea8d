package io.trackflow.adapters.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.SqlLiterals;
import io.trackflow.core.testdata.RandomStrings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fuzzes {@link SqlLiterals#quote} against a real store: random hostile strings are quoted,
 * selected, and must come back exactly, and each must match itself in a WHERE clause.
 */
public final class LiteralRoundTrip {

  private static final int PER_QUERY = 100;

  private LiteralRoundTrip() {}

  /** Round-trips {@code count} random strings through {@code store}; fails on the first difference. */
  public static void check(EventStore store, long seed, int count) throws Exception {
    List<String> values = RandomStrings.generate(seed, count, 12);
    for (int from = 0; from < values.size(); from += PER_QUERY) {
      List<String> chunk = values.subList(from, Math.min(values.size(), from + PER_QUERY));
      List<String> select = new ArrayList<>();
      for (int i = 0; i < chunk.size(); i++) {
        select.add(SqlLiterals.quote(store.dialect(), chunk.get(i)) + " AS c" + i);
      }
      QueryResult result = await(store, "SELECT " + String.join(", ", select));
      for (int i = 0; i < chunk.size(); i++) {
        assertThat(result.rows().get(0).get(i))
            .as("string %d of seed %d: %s", from + i, seed, escapeForMessage(chunk.get(i)))
            .isEqualTo(chunk.get(i));
      }
    }
    // The same quoting in a predicate: each value equals exactly itself among its neighbours.
    for (int i = 0; i < Math.min(values.size(), 50); i++) {
      String lit = SqlLiterals.quote(store.dialect(), values.get(i));
      String other = SqlLiterals.quote(store.dialect(), values.get(i) + "'");
      QueryResult result = await(store, "SELECT CASE WHEN " + lit + " = " + lit + " AND NOT (" + lit + " = " + other
          + ") THEN 1 ELSE 0 END AS ok");
      assertThat(result.rows().get(0).get(0)).as("predicate for %s", escapeForMessage(values.get(i))).isEqualTo(1L);
    }
  }

  private static QueryResult await(EventStore store, String sql) throws Exception {
    return store.query(sql).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static String escapeForMessage(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    });
    return out.toString();
  }
}
