package io.trackflow.query.stats;

import io.trackflow.core.testdata.Gen;
import io.trackflow.core.testdata.HostileInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generators of stats query bodies whose user-supplied strings (the site, filter values, custom
 * property keys) are hostile, in a frame that is mostly valid so they reach the SQL builder. A
 * body is a {@link Template}: the same query can be filled with other strings, so the SQL of a
 * hostile query can be compared with the SQL of its harmless twin.
 */
final class HostileQueries {

  static final List<String> METRICS = List.of("visitors", "visits", "pageviews", "events", "views_per_visit",
      "bounce_rate", "visit_duration", "percentage", "conversion_rate");
  static final List<String> EVENT_DIMENSIONS = List.of("event:page", "event:name", "event:hostname");
  static final List<String> VISIT_DIMENSIONS = List.of("visit:source", "visit:referrer", "visit:utm_source",
      "visit:utm_campaign", "visit:country", "visit:device", "visit:browser", "visit:os", "visit:entry_page",
      "visit:exit_page");
  private static final List<String> SESSION_METRICS = List.of("views_per_visit", "bounce_rate", "visit_duration");
  static final List<String> TIME_DIMENSIONS = List.of("time:hour", "time:day", "time:week", "time:month");
  static final List<String> RANGES = List.of("day", "7d", "30d", "month", "6mo", "12mo", "year", "all");
  private static final String SLOT = "\u27e6%d\u27e7";
  private static final Pattern SLOTS = Pattern.compile("\u27e6(\\d+)\u27e7");

  private HostileQueries() {}

  /**
   * A query body with numbered slots (⟦0⟧, ⟦1⟧, …) where user strings go, and the hostile strings
   * that fill them.
   */
  record Template(JsonObject skeleton, List<String> values) {

    JsonObject body() {
      return fill(values);
    }

    /** The same query with every user string replaced by a harmless one of its own. */
    JsonObject twin() {
      List<String> harmless = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        harmless.add("v" + i);
      }
      return fill(harmless);
    }

    JsonObject fill(List<String> with) {
      return (JsonObject) fill(skeleton.copy(), with);
    }

    private static Object fill(Object node, List<String> with) {
      if (node instanceof JsonObject o) {
        JsonObject out = new JsonObject();
        o.forEach(e -> out.put(e.getKey(), fill(e.getValue(), with)));
        return out;
      }
      if (node instanceof JsonArray a) {
        JsonArray out = new JsonArray();
        a.forEach(v -> out.add(fill(v, with)));
        return out;
      }
      if (node instanceof String s) {
        // One pass: a filled-in value that happens to look like a slot stays as it is.
        return SLOTS.matcher(s).replaceAll(m -> Matcher.quoteReplacement(with.get(Integer.parseInt(m.group(1)))));
      }
      return node;
    }

    @Override
    public String toString() {
      return body().encode();
    }
  }

  /** Queries about {@code site} (or a hostile site now and then) with hostile values. */
  static Gen<Template> queries(String site, Gen<String> values) {
    return r -> new Builder(r, values).query(site);
  }

  /** Builds one skeleton, drawing the strings its slots hold. */
  private static final class Builder {
    private final Random r;
    private final Gen<String> strings;
    private final List<String> values = new ArrayList<>();

    Builder(Random r, Gen<String> strings) {
      this.r = r;
      this.strings = strings;
    }

    private String slot() {
      values.add(strings.next(r));
      return SLOT.formatted(values.size() - 1);
    }

    Template query(String site) {
      JsonObject q = new JsonObject();
      q.put("site_id", r.nextInt(8) == 0 ? slot() : site);
      List<String> metrics = new ArrayList<>();
      for (int n = 1 + r.nextInt(3); n > 0; n--) {
        String m = METRICS.get(r.nextInt(METRICS.size()));
        if (!metrics.contains(m)) {
          metrics.add(m);
        }
      }
      q.put("metrics", new JsonArray(new ArrayList<>(metrics)));
      q.put("date_range", r.nextInt(4) == 0 ? new JsonArray().add("2025-03-01").add("2025-03-31")
          : RANGES.get(r.nextInt(RANGES.size())));
      // Mostly queries the parser takes, so that their strings reach the SQL: session metrics
      // only with visit and time dimensions, a conversion rate only with a goal.
      boolean sessionMetrics = metrics.stream().anyMatch(SESSION_METRICS::contains);
      List<String> dims = new ArrayList<>();
      for (int n = r.nextInt(3); n > 0; n--) {
        String d = switch (r.nextInt(4)) {
          case 0 -> sessionMetrics ? VISIT_DIMENSIONS.get(r.nextInt(VISIT_DIMENSIONS.size())) : "event:props:" + slot();
          case 1 -> TIME_DIMENSIONS.get(r.nextInt(TIME_DIMENSIONS.size()));
          default -> dimension(sessionMetrics || r.nextBoolean());
        };
        if (!dims.contains(d) && (d.startsWith("time:") ? dims.stream().noneMatch(x -> x.startsWith("time:")) : true)) {
          dims.add(d);
        }
      }
      if (!dims.isEmpty()) {
        q.put("dimensions", new JsonArray(new ArrayList<>(dims)));
      }
      JsonArray filters = new JsonArray();
      if (metrics.contains("conversion_rate")) {
        filters.add(new JsonArray().add("is").add("event:name").add(new JsonArray().add(slot())));
      }
      for (int n = r.nextInt(4); n > 0; n--) {
        filters.add(filter(0, r.nextBoolean()));
      }
      if (!filters.isEmpty()) {
        q.put("filters", filters);
      }
      if (r.nextInt(3) == 0) {
        List<String> orderable = new ArrayList<>(metrics);
        orderable.addAll(dims);
        String field = orderable.get(r.nextInt(orderable.size()));
        q.put("order_by", new JsonArray().add(new JsonArray().add(field).add(r.nextBoolean() ? "asc" : "desc")));
      }
      if (r.nextInt(3) == 0) {
        JsonObject include = new JsonObject().put("totals", r.nextBoolean()).put("total_rows", r.nextBoolean());
        if (r.nextBoolean()) {
          include.put("comparisons", new JsonObject().put("mode", r.nextBoolean() ? "previous_period" : "year_over_year"));
        }
        if (dims.stream().anyMatch(d -> d.startsWith("time:"))) {
          include.put("time_labels", r.nextBoolean());
        }
        q.put("include", include);
      }
      if (r.nextInt(3) == 0) {
        q.put("pagination", new JsonObject().put("limit", 1 + r.nextInt(20)).put("offset", r.nextInt(5)));
      }
      if (r.nextInt(10) == 0) {
        // Now and then a field made hostile as a whole: its type, not only its strings.
        List<String> fields = new ArrayList<>(q.fieldNames());
        fields.add(slot());
        q.put(fields.get(r.nextInt(fields.size())), HostileInput.json(2).next(r));
      }
      return new Template(q, List.copyOf(values));
    }

    private String dimension(boolean visit) {
      List<String> from = visit ? VISIT_DIMENSIONS : EVENT_DIMENSIONS;
      return from.get(r.nextInt(from.size()));
    }

    /** A filter on visit or on event dimensions only: one or/not must not mix the two. */
    private JsonArray filter(int depth, boolean visit) {
      int kind = r.nextInt(depth >= 2 ? 4 : 7);
      if (kind >= 4) {
        if (kind == 6) {
          return new JsonArray().add("not").add(filter(depth + 1, visit));
        }
        JsonArray children = new JsonArray();
        for (int n = 1 + r.nextInt(3); n > 0; n--) {
          children.add(filter(depth + 1, visit));
        }
        return new JsonArray().add(kind == 4 ? "and" : "or").add(children);
      }
      String op = List.of("is", "is_not", "contains", "matches").get(kind);
      String dim = !visit && r.nextInt(3) == 0 ? "event:props:" + slot() : dimension(visit);
      JsonArray values = new JsonArray();
      for (int n = 1 + r.nextInt(3); n > 0; n--) {
        values.add(slot());
      }
      JsonArray condition = new JsonArray().add(op).add(dim).add(values);
      if (r.nextInt(3) == 0) {
        condition.add(new JsonObject().put("case_sensitive", r.nextBoolean()));
      }
      return condition;
    }
  }

  /** Stats query bodies that are not even that: any JSON, truncated or not JSON at all. */
  static Gen<String> junk() {
    return Gen.oneOf(
        HostileInput.json(4).map(v -> v instanceof JsonObject o ? o.encode()
            : v instanceof JsonArray a ? a.encode() : String.valueOf(v)),
        HostileInput.malformedJson().map(b -> new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)));
  }
}
