package io.trackflow.query.stats;

import io.trackflow.query.account.Goal;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which revenue a query's revenue metrics sum, and in which currency: Plausible's rule, that
 * revenue is read in the currency of its goal. With the event:goal dimension each goal's group
 * sums its own conversions in the goal's currency; otherwise the top-level goal filters name the
 * revenue goals, whose conversions are summed when they share one currency. Revenue in another
 * currency than its goal's is left out (no exchange rates are reachable offline) and counted.
 *
 * @param perGoal the goals are a dimension: each group's currency is its goal's
 * @param goals the revenue goals in view (all the site's with the dimension; else those every
 *     top-level goal filter selects)
 * @param currency without the dimension, the one currency of {@code goals}; null when they have
 *     none or several (no revenue value then)
 */
record Revenue(boolean perGoal, List<Goal> goals, String currency) {

  Revenue {
    goals = List.copyOf(goals);
  }

  /** The revenue context of a query asking revenue metrics, or null when it asks none. */
  static Revenue of(Query query, SiteGoals siteGoals) {
    if (!query.has(Metric.TOTAL_REVENUE) && !query.has(Metric.AVERAGE_REVENUE)) {
      return null;
    }
    List<Goal> revenueGoals = siteGoals.all().stream().filter(g -> g.currency() != null).toList();
    if (query.goalDimension() >= 0) {
      return new Revenue(true, revenueGoals, null);
    }
    Set<Goal> scope = new LinkedHashSet<>(revenueGoals);
    for (Filter f : query.revenueGoalFilters()) {
      scope.retainAll(siteGoals.selected((Filter.Condition) f));
    }
    Set<String> currencies = new LinkedHashSet<>();
    scope.forEach(g -> currencies.add(g.currency()));
    return new Revenue(false, new ArrayList<>(scope), currencies.size() == 1 ? currencies.iterator().next() : null);
  }

  /** Goal name to currency, for the groups of the goal dimension. */
  Map<String, String> currencyByGoal() {
    Map<String, String> byName = new LinkedHashMap<>();
    goals.forEach(g -> byName.put(g.displayName(), g.currency()));
    return byName;
  }

  /** The currency of a group's revenue, or null when the group has none to show. */
  String currencyOf(Query query, List<String> dimensions) {
    if (!perGoal) {
      return currency;
    }
    int goal = query.goalDimension();
    return goal < 0 || goal >= dimensions.size() ? null : currencyByGoal().get(dimensions.get(goal));
  }

  /**
   * A metric's value: {@code {"value": "12.50", "currency": "EUR"}}, the total exact (at least
   * the currency's minor digits) and the average half-up to the minor digits; null without a
   * currency.
   */
  static JsonObject money(String currency, BigInteger micros, long events, boolean average) {
    if (currency == null) {
      return null;
    }
    int digits = minorDigits(currency);
    BigDecimal value;
    if (average) {
      value = events == 0 ? BigDecimal.ZERO.setScale(digits)
          : new BigDecimal(micros, 6).divide(BigDecimal.valueOf(events), digits, RoundingMode.HALF_UP);
    } else {
      BigDecimal exact = new BigDecimal(micros, 6).stripTrailingZeros();
      value = exact.setScale(Math.max(digits, exact.scale()), RoundingMode.UNNECESSARY);
    }
    return new JsonObject().put("value", value.toPlainString()).put("currency", currency);
  }

  /** The currency's usual decimals (2 where the JDK knows none). */
  static int minorDigits(String currency) {
    try {
      int digits = Currency.getInstance(currency).getDefaultFractionDigits();
      return digits < 0 ? 2 : digits;
    } catch (IllegalArgumentException e) {
      return 2;
    }
  }

  /** The number a revenue value compares and changes by. */
  static BigDecimal amount(Object value) {
    return value instanceof JsonObject money ? new BigDecimal(money.getString("value")) : new BigDecimal(value.toString());
  }
}
