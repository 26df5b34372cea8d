package io.trackflow.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Every PromQL expression the repository ships: each Grafana dashboard panel's queries (with
 * Grafana's variables replaced as Grafana would replace them) and each alerting and recording
 * rule, plus the metric names an expression selects.
 */
final class MonitoringExpressions {

  static final Path DASHBOARDS = Path.of("..", "grafana", "dashboards");

  /** One expression and where it comes from, e.g. "trackflow.json › Hits/s accepted". */
  record Expression(String source, String promql, Kind kind) {}

  enum Kind { PANEL, RECORDING_RULE, ALERT }

  /**
   * Grafana's built-in interval variables, with values that suit a one-second scrape interval:
   * a rate window holds many samples after a few seconds of scraping.
   */
  private static final Map<String, String> BUILT_INS = Map.of(
      "__rate_interval", "1m", "__interval", "15s", "__interval_ms", "15000",
      "__range", "5m", "__range_s", "300", "__range_ms", "300000");

  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{(\\w+)(?::[^}]*)?}|\\[\\[(\\w+)(?::[^]]*)?]]|\\$(\\w+)");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\(\\s*(?:(.+?)\\s*,\\s*)?(\\w+)\\s*\\)\\s*$");
  // Aggregations are listed too: in `sum by (le) (…)` no parenthesis follows the name.
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by",
      "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2", "start", "end",
      "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk",
      "topk", "quantile", "limitk", "limit_ratio");
  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  private MonitoringExpressions() {}

  /**
   * Every panel query of every dashboard. {@code labelValues} answers Grafana's
   * {@code label_values(selector, label)} (selector may be null) from the running Prometheus.
   */
  static List<Expression> dashboardPanels(BiFunction<String, String, List<String>> labelValues) {
    List<Expression> expressions = new ArrayList<>();
    for (Path file : files(DASHBOARDS, ".json")) {
      JsonObject dashboard = new JsonObject(read(file));
      Map<String, String> variables = variables(dashboard, labelValues);
      panels(dashboard.getJsonArray("panels", new JsonArray()), panel -> {
        for (Object t : panel.getJsonArray("targets", new JsonArray())) {
          String expr = ((JsonObject) t).getString("expr");
          if (expr != null && !expr.isBlank()) {
            expressions.add(new Expression(file.getFileName() + " › " + panel.getString("title", "(untitled)"),
                substitute(expr, variables), Kind.PANEL));
          }
        }
      });
    }
    return expressions;
  }

  private static void panels(JsonArray panels, java.util.function.Consumer<JsonObject> visit) {
    for (Object p : panels) {
      JsonObject panel = (JsonObject) p;
      visit.accept(panel);
      panels(panel.getJsonArray("panels", new JsonArray()), visit); // panels inside collapsed rows
    }
  }

  /**
   * The values Grafana would put in for the dashboard's variables: a query variable
   * ({@code label_values}) with "All" or multi-select becomes its custom all-value or the regex
   * of all its values, a single-value one its first value; custom variables likewise from their
   * options; interval variables a minute.
   */
  private static Map<String, String> variables(JsonObject dashboard,
      BiFunction<String, String, List<String>> labelValues) {
    Map<String, String> values = new LinkedHashMap<>(BUILT_INS);
    JsonArray list = dashboard.getJsonObject("templating", new JsonObject()).getJsonArray("list", new JsonArray());
    for (Object v : list) {
      JsonObject variable = (JsonObject) v;
      String name = variable.getString("name");
      String type = variable.getString("type", "");
      List<String> options = switch (type) {
        case "query" -> {
          Object query = variable.getValue("query");
          String text = query instanceof JsonObject q ? q.getString("query", "") : String.valueOf(query);
          Matcher m = LABEL_VALUES.matcher(substitute(text, values));
          yield m.matches() ? labelValues.apply(m.group(1), m.group(2)) : List.of();
        }
        case "custom" -> Stream.of(variable.getString("query", "").split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).toList();
        case "interval" -> List.of("1m");
        case "constant", "textbox" -> List.of(variable.getString("query", ""));
        case "datasource" -> List.of("prometheus");
        default -> List.of();
      };
      boolean all = variable.getBoolean("includeAll", false) || variable.getBoolean("multi", false);
      String allValue = variable.getString("allValue");
      if (all && allValue != null && !allValue.isEmpty()) {
        values.put(name, allValue);
      } else if (options.isEmpty()) {
        values.put(name, ".*");
      } else if (all) {
        values.put(name, options.stream().map(MonitoringExpressions::regexEscape)
            .collect(Collectors.joining("|", "(", ")")));
      } else {
        values.put(name, options.getFirst());
      }
    }
    return values;
  }

  static String substitute(String expr, Map<String, String> values) {
    return VARIABLE.matcher(expr).replaceAll(m -> {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      return Matcher.quoteReplacement(values.getOrDefault(name, m.group()));
    });
  }

  private static String regexEscape(String value) {
    return value.replaceAll("[\\\\.+*?()|\\[\\]{}^$]", "\\\\\\\\$0");
  }

  /** Every rule of every rule file: alerts and recording rules. */
  @SuppressWarnings("unchecked")
  static List<Expression> rules(List<Path> ruleFiles) {
    List<Expression> expressions = new ArrayList<>();
    for (Path file : ruleFiles) {
      Map<String, Object> doc = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(read(file));
      for (Map<String, Object> group : (List<Map<String, Object>>) doc.getOrDefault("groups", List.of())) {
        for (Map<String, Object> rule : (List<Map<String, Object>>) group.getOrDefault("rules", List.of())) {
          boolean alert = rule.containsKey("alert");
          String name = String.valueOf(alert ? rule.get("alert") : rule.get("record"));
          expressions.add(new Expression(file.getFileName() + " › " + group.get("name") + " › " + name,
              String.valueOf(rule.get("expr")), alert ? Kind.ALERT : Kind.RECORDING_RULE));
        }
      }
    }
    return expressions;
  }

  /**
   * The metric names an expression selects: identifiers outside strings, label matchers, ranges
   * and label lists that are neither functions (followed by a parenthesis) nor keywords, plus
   * {@code __name__} matchers of bare selectors.
   */
  static Set<String> metricNames(String promql) {
    Set<String> names = new LinkedHashSet<>();
    int i = 0;
    int n = promql.length();
    while (i < n) {
      char c = promql.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = skipString(promql, i);
      } else if (c == '#') {
        while (i < n && promql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '{') {
        int end = skipTo(promql, i, '}');
        Matcher name = Pattern.compile("__name__\\s*=\\s*\"([^\"]+)\"").matcher(promql.substring(i, end));
        if (name.find()) {
          names.add(name.group(1));
        }
        i = end;
      } else if (c == '[') {
        i = skipTo(promql, i, ']');
      } else if (Character.isDigit(c) || c == '.') {
        while (i < n && (Character.isLetterOrDigit(promql.charAt(i)) || promql.charAt(i) == '.')) {
          i++;
        }
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(promql.charAt(i)) || promql.charAt(i) == '_' || promql.charAt(i) == ':')) {
          i++;
        }
        String word = promql.substring(start, i);
        int next = i;
        while (next < n && Character.isWhitespace(promql.charAt(next))) {
          next++;
        }
        boolean call = next < n && promql.charAt(next) == '(';
        if (call && LABEL_LISTS.contains(word.toLowerCase())) {
          i = skipTo(promql, next, ')');
        } else if (!call && !KEYWORDS.contains(word.toLowerCase())) {
          names.add(word);
        }
      } else {
        i++;
      }
    }
    return names;
  }

  /** Index just past the {@code close} that ends the bracket at {@code open}, skipping strings. */
  private static int skipTo(String s, int open, char close) {
    int i = open + 1;
    while (i < s.length() && s.charAt(i) != close) {
      char c = s.charAt(i);
      i = (c == '"' || c == '\'' || c == '`') ? skipString(s, i) : i + 1;
    }
    return Math.min(i + 1, s.length());
  }

  private static int skipString(String s, int open) {
    char quote = s.charAt(open);
    int i = open + 1;
    while (i < s.length() && s.charAt(i) != quote) {
      i += (s.charAt(i) == '\\' && quote != '`') ? 2 : 1;
    }
    return Math.min(i + 1, s.length());
  }

  private static List<Path> files(Path dir, String suffix) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
