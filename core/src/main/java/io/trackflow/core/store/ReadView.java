package io.trackflow.core.store;

import java.time.Instant;
import java.util.List;

/**
 * How one statement reads the stored tables so that every event and every session counts once,
 * whatever replays stored and however far background merges got. A store hands a view to the
 * function that builds the statement, and may build it again with a newer view (ClickHouse does
 * when a table changed under a read that relied on it being merged).
 */
public interface ReadView {

  /**
   * A derived table (parenthesised, without alias) of the given columns of one site's rows
   * placed in {@code [from, to)} that also satisfy {@code condition} (SQL of the store's dialect,
   * or null). Each stored event appears once, and each session once with its latest totals.
   *
   * <p>The condition may be applied before the store collapses copies: on sessions it must only
   * read columns a session's later totals never change (ids, start, the visit's source and
   * device); conditions on totals, entry or exit pages belong around the derived table.
   */
  String rows(StoredTable table, String site, Instant from, Instant to, List<String> columns,
      String condition);
}
