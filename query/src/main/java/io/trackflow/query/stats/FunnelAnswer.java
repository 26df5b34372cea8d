package io.trackflow.query.stats;

import io.trackflow.query.account.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A funnel's answer: each step's visitors, their share of the visitors who entered the funnel
 * (step 1) and of the previous step's, and how many the step lost, with the range's visitors in
 * {@code meta} for the share that entered at all.
 */
final class FunnelAnswer {

  private FunnelAnswer() {}

  static JsonObject shape(FunnelQuery query, DateRange range, List<Goal> steps, List<Long> visitors, long allVisitors) {
    long entering = visitors.isEmpty() ? 0 : visitors.get(0);
    JsonArray results = new JsonArray();
    for (int k = 0; k < steps.size(); k++) {
      long here = visitors.get(k);
      long before = k == 0 ? here : visitors.get(k - 1);
      long dropoff = before - here;
      results.add(new JsonObject()
          .put("name", steps.get(k).displayName())
          .put("visitors", here)
          .put("conversion_rate", percent(here, entering))
          .put("conversion_rate_step", percent(here, before))
          .put("dropoff", dropoff)
          .put("dropoff_percentage", percent(dropoff, before)));
    }
    long last = visitors.isEmpty() ? 0 : visitors.get(visitors.size() - 1);
    JsonObject meta = new JsonObject()
        .put("all_visitors", allVisitors)
        .put("entering_visitors", entering)
        .put("entering_visitors_percentage", percent(entering, allVisitors))
        .put("never_entering_visitors", allVisitors - entering)
        .put("conversion_rate", percent(last, entering));
    return new JsonObject().put("steps", results).put("meta", meta).put("query", QueryJson.echo(query, range));
  }

  /** part / whole in percent, 2 decimals half-up; 0 when whole is 0. */
  private static double percent(long part, long whole) {
    return ResultShaper.ratio(100L * part, whole, 2).doubleValue();
  }
}
