package io.trackflow.collector;

import io.trackflow.core.testdata.Gen;
import io.trackflow.core.testdata.HostileInput;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Generators of hits as hostile clients send them: beacon events, pixel query parameters and the
 * headers the collector reads, mostly in a valid frame so that every pipeline step sees the
 * hostile values, some wholly malformed.
 */
public final class HostileHits {

  /** Every field name the parser reads (short and long forms), and a few it does not. */
  public static final List<String> FIELDS = List.of("n", "u", "d", "r", "p", "w", "id", "h", "i", "sd", "e",
      "ts", "name", "url", "domain", "referrer", "props", "screen_width", "hash", "interactive",
      "scroll_depth", "engagement_time", "$", "revenue", "__proto__", "");

  private HostileHits() {}

  /** Mostly valid events with some fields made hostile; some of nothing but hostile fields. */
  public static Gen<JsonObject> events() {
    Gen<Map<String, Object>> anyFields = Gen.maps(Gen.of(FIELDS), HostileInput.json(2), 8);
    Gen<JsonObject> plausible = plausibleEvent();
    return Gen.<JsonObject>weighted()
        .add(3, r -> {
          JsonObject event = plausible.next(r);
          anyFields.next(r).entrySet().stream().limit(2).forEach(e -> event.put(e.getKey(), e.getValue()));
          return event;
        })
        .add(3, plausible)
        .add(1, anyFields.map(JsonObject::new));
  }

  /** The shape trackers send (sites example.com and shop.example), values drawn from hostile strings. */
  public static Gen<JsonObject> plausibleEvent() {
    Gen<String> s = HostileInput.strings();
    Gen<Object> scalar = Gen.oneOf(s, HostileInput.numbers(), Gen.of(true, false));
    Gen<JsonObject> props = Gen.maps(s, scalar, 5).map(JsonObject::new);
    Gen<String> names = Gen.of("pageview", "engagement", "Signup").orNull(0.2);
    Gen<String> domains = Gen.of("example.com", "shop.example", "EXAMPLE.com", "www.example.com");
    Gen<String> referrers = Gen.oneOf(s, s.map(host -> "https://" + host + "/?utm_source=" + host),
        Gen.constant(""));
    Gen<Object> numbers = Gen.oneOf(Gen.ints(-5, 100_000), HostileInput.numbers(), s);
    return r -> {
      JsonObject event = new JsonObject().put("d", domains.next(r)).put("u", "https://example.com/" + s.next(r))
          .put("r", referrers.next(r)).put("p", props.next(r)).put("w", numbers.next(r)).put("id", s.next(r))
          .put("sd", numbers.next(r)).put("e", numbers.next(r));
      String name = names.next(r);
      return name == null ? event : event.put("n", name);
    };
  }

  /** A pixel's query parameters: hostile names and values, or a valid hit with hostile values. */
  public static Gen<Map<String, String>> queries() {
    Gen<String> value = HostileInput.strings();
    Gen<Map<String, String>> plausible = r -> Map.of("d", "example.com",
        "u", "https://example.com/" + value.next(r), "r", value.next(r), "w", value.next(r));
    return Gen.oneOf(Gen.maps(Gen.of(FIELDS), value, 10), plausible);
  }

  /** Values of User-Agent, Referer and X-Forwarded-For: hostile, real, or long lists of hops. */
  public static Gen<String> headerValues() {
    return Gen.oneOf(HostileInput.strings(),
        Gen.of("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Googlebot/2.1", "", "1.2.3.4, 10.0.0.1", "::ffff:1.2.3.4", "2001:db8::1, unknown"),
        HostileInput.strings().list(30).map(parts -> String.join(", ", parts)));
  }
}
