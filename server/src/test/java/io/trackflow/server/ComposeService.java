package io.trackflow.server;

import static io.trackflow.server.ComposeProject.cast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One service of a resolved compose file (docker-compose config's output), read by name. */
record ComposeService(String name, Map<String, Object> spec) {

  /** A published port: host address (empty for every address), host port, container port. */
  record Port(String hostIp, int published, int target) {}

  private static final Pattern SHORT_PORT = Pattern.compile("^(?:(.+):)?(\\d+):(\\d+)(?:/\\w+)?$");
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|h|m|s)");

  /** Every service of a resolved compose model, in file order. */
  static List<ComposeService> all(Map<String, Object> model) {
    Map<String, Object> services = cast(model.get("services"));
    List<ComposeService> all = new ArrayList<>();
    services.forEach((name, spec) -> all.add(new ComposeService(name, cast(spec))));
    return all;
  }

  static ComposeService named(Map<String, Object> model, String name) {
    return all(model).stream().filter(s -> s.name.equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("docker-compose.yml has no service '" + name + "'"));
  }

  String image() {
    return string("image");
  }

  boolean built() {
    return spec.containsKey("build");
  }

  String string(String key) {
    Object value = spec.get(key);
    return value == null ? "" : value.toString();
  }

  Map<String, Object> map(String key) {
    Object value = spec.get(key);
    return value == null ? Map.of() : cast(value);
  }

  List<Object> list(String key) {
    Object value = spec.get(key);
    return value == null ? List.of() : cast(value);
  }

  /** The container's environment as strings (compose prints numbers and booleans unquoted). */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    map("environment").forEach((k, v) -> env.put(k, v == null ? "" : v.toString()));
    return env;
  }

  int replicas() {
    Object replicas = map("deploy").get("replicas");
    return replicas == null ? 1 : Integer.parseInt(replicas.toString());
  }

  List<String> profiles() {
    return list("profiles").stream().map(Object::toString).toList();
  }

  List<Port> ports() {
    List<Port> ports = new ArrayList<>();
    for (Object entry : list("ports")) {
      if (entry instanceof Map<?, ?> longForm) {
        Object hostIp = longForm.get("host_ip");
        ports.add(new Port(hostIp == null ? "" : hostIp.toString(),
            Integer.parseInt(longForm.get("published").toString()), Integer.parseInt(longForm.get("target").toString())));
      } else {
        Matcher m = SHORT_PORT.matcher(entry.toString());
        if (!m.matches()) {
          throw new AssertionError(name + ": unreadable port " + entry);
        }
        ports.add(new Port(m.group(1) == null ? "" : m.group(1), Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3))));
      }
    }
    return ports;
  }

  /** Volume entries as compose prints them: {@code source:target[:mode]}. */
  List<String> volumes() {
    return list("volumes").stream().map(Object::toString).toList();
  }

  /** The volume mounted at {@code target}, if one is. */
  Optional<String> volumeAt(String target) {
    return volumes().stream().filter(v -> v.split(":")[1].equals(target)).findFirst();
  }

  Optional<Duration> duration(String key) {
    return spec.containsKey(key) ? Optional.of(parseDuration(string(key))) : Optional.empty();
  }

  /** Compose's duration syntax as printed by docker-compose config, e.g. {@code 1m30s}, {@code 20s}. */
  static Duration parseDuration(String text) {
    Matcher m = DURATION_PART.matcher(text);
    Duration total = Duration.ZERO;
    int consumed = 0;
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        case "s" -> Duration.ofSeconds(n);
        default -> Duration.ofMillis(n);
      });
      consumed += m.group().length();
    }
    if (consumed != text.length() || consumed == 0) {
      throw new AssertionError("not a compose duration: '" + text + "'");
    }
    return total;
  }
}
