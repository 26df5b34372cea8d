package io.trackflow.query.stats;

import io.trackflow.query.account.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The goals of the site a query reads, as {@code event:goal} uses them: filters select goals by
 * their display names, and a selected goal matches the events that convert it (its custom
 * event, or pageviews of its path pattern).
 */
final class SiteGoals {

  static final SiteGoals NONE = new SiteGoals(List.of());

  private final List<Goal> goals;

  SiteGoals(List<Goal> goals) {
    this.goals = List.copyOf(goals);
  }

  List<Goal> all() {
    return goals;
  }

  /**
   * The goals whose names a condition on {@code event:goal} names: by its operator for
   * {@code is}, {@code contains} and {@code matches}; {@code is_not} selects as {@code is} does
   * (the caller negates).
   */
  List<Goal> selected(Filter.Condition c) {
    List<Goal> selected = new ArrayList<>();
    for (Goal goal : goals) {
      String name = fold(goal.displayName(), c.caseSensitive());
      boolean hit = c.values().stream().map(v -> fold(v, c.caseSensitive())).anyMatch(v -> switch (c.op()) {
        case IS, IS_NOT -> name.equals(v);
        case CONTAINS -> name.contains(v);
        case MATCHES -> Wildcards.matches(v, name);
      });
      if (hit) {
        selected.add(goal);
      }
    }
    return selected;
  }

  /**
   * Refuses exact goal names the site does not have (as Plausible does): a typo would otherwise
   * read as zero conversions.
   */
  void check(Query query) {
    for (int i = 0; i < query.filters().size(); i++) {
      check(query.filters().get(i), "filters[" + i + "]");
    }
  }

  private void check(Filter f, String field) {
    switch (f) {
      case Filter.And a -> children(a.children(), field);
      case Filter.Or o -> children(o.children(), field);
      case Filter.Not n -> check(n.child(), field + "[1]");
      case Filter.Condition c -> {
        if (!c.dimension().isGoal() || (c.op() != Filter.Op.IS && c.op() != Filter.Op.IS_NOT)) {
          return;
        }
        for (int i = 0; i < c.values().size(); i++) {
          String value = fold(c.values().get(i), c.caseSensitive());
          if (goals.stream().noneMatch(g -> fold(g.displayName(), c.caseSensitive()).equals(value))) {
            throw QueryParser.invalid(field + "[2][" + i + "]", "the site has no goal named '"
                + c.values().get(i) + "'; goals are configured in the site's settings");
          }
        }
      }
    }
  }

  private void children(List<Filter> children, String field) {
    for (int i = 0; i < children.size(); i++) {
      check(children.get(i), field + "[1][" + i + "]");
    }
  }

  private static String fold(String s, boolean caseSensitive) {
    return caseSensitive ? s : s.toLowerCase(Locale.ROOT);
  }

  /** The goals as they shape answers, for cache keys: a changed goal is another answer. */
  JsonArray normalised() {
    return normalised(goals);
  }

  static JsonArray normalised(List<Goal> goals) {
    JsonArray array = new JsonArray();
    for (Goal g : goals) {
      array.add(new JsonObject().put("name", g.displayName()).put("event", g.eventName())
          .put("page", g.pagePath()).put("currency", g.currency()));
    }
    return array;
  }
}
