package io.trackflow.collector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every per-event validation rule, each with its own drop reason and metric label. */
class ValidationTest {

  private static PipelineFixture fixture;

  @BeforeAll
  static void build() throws Exception {
    fixture = new PipelineFixture();
  }

  private static Arguments rule(String what, Consumer<JsonObject> change, DropReason reason) {
    return Arguments.of(what, change, reason);
  }

  static Stream<Arguments> rules() {
    String longString = "x".repeat(2100);
    return Stream.of(
        rule("no domain", o -> o.remove("d"), DropReason.MISSING_DOMAIN),
        rule("empty domain", o -> o.put("d", ""), DropReason.MISSING_DOMAIN),
        rule("domain not a string", o -> o.put("d", 42), DropReason.INVALID_DOMAIN),
        rule("domain too long", o -> o.put("d", "a".repeat(254)), DropReason.INVALID_DOMAIN),
        rule("unregistered site", o -> o.put("d", "unknown.example"), DropReason.UNKNOWN_SITE),
        rule("no URL", o -> o.remove("u"), DropReason.MISSING_URL),
        rule("URL not a string", o -> o.put("u", new JsonObject()), DropReason.INVALID_URL),
        rule("relative URL", o -> o.put("u", "/pricing"), DropReason.INVALID_URL),
        rule("URL too long", o -> o.put("u", "https://example.com/" + longString), DropReason.URL_TOO_LONG),
        rule("referrer not a string", o -> o.put("r", 5), DropReason.INVALID_REFERRER),
        rule("referrer too long", o -> o.put("r", "https://ref.example/" + longString), DropReason.REFERRER_TOO_LONG),
        rule("name not a string", o -> o.put("n", 7), DropReason.INVALID_NAME),
        rule("blank name", o -> o.put("n", "  "), DropReason.INVALID_NAME),
        rule("name too long", o -> o.put("n", "n".repeat(121)), DropReason.NAME_TOO_LONG),
        rule("props an array", o -> o.put("p", new JsonArray().add(1)), DropReason.INVALID_PROPS),
        rule("props a string that is not JSON", o -> o.put("p", "{plan:"), DropReason.INVALID_PROPS),
        rule("props nested object", o -> o.put("p", new JsonObject().put("a", new JsonObject())), DropReason.INVALID_PROPS),
        rule("props empty key", o -> o.put("p", new JsonObject().put("", "v")), DropReason.INVALID_PROPS),
        // JSON's 1e400 reads as an infinite double; found by HitParsingFuzzTest (it was a 500).
        rule("props value beyond a double", o -> o.put("p", new JsonObject().put("x", Double.POSITIVE_INFINITY)),
            DropReason.INVALID_PROPS),
        rule("props value NaN", o -> o.put("p", new JsonObject().put("x", Double.NaN)), DropReason.INVALID_PROPS),
        rule("props as JSON text with a number beyond a double", o -> o.put("p", "{\"x\":-1e999}"),
            DropReason.INVALID_PROPS),
        rule("too many props", o -> o.put("p", manyProps(31)), DropReason.TOO_MANY_PROPS),
        rule("prop key too long", o -> o.put("p", new JsonObject().put("k".repeat(301), "v")), DropReason.PROP_KEY_TOO_LONG),
        rule("prop value too long", o -> o.put("p", new JsonObject().put("k", "v".repeat(2001))), DropReason.PROP_VALUE_TOO_LONG),
        rule("screen width text", o -> o.put("w", "wide"), DropReason.INVALID_SCREEN_WIDTH),
        rule("screen width negative", o -> o.put("w", -5), DropReason.INVALID_SCREEN_WIDTH),
        rule("screen width fractional", o -> o.put("w", 1024.5), DropReason.INVALID_SCREEN_WIDTH),
        rule("screen width absurd", o -> o.put("w", 5_000_000), DropReason.INVALID_SCREEN_WIDTH),
        rule("id an object", o -> o.put("id", new JsonObject()), DropReason.INVALID_ID),
        rule("id too long", o -> o.put("id", "i".repeat(129)), DropReason.INVALID_ID),
        rule("hash flag a word", o -> o.put("h", "yes"), DropReason.INVALID_FLAG),
        rule("interactive flag a number", o -> o.put("i", 2), DropReason.INVALID_FLAG),
        rule("timestamp text", o -> o.put("ts", "yesterday"), DropReason.INVALID_TIMESTAMP),
        rule("engagement scroll depth over 100", o -> o.put("n", "engagement").put("sd", 101).put("e", 10), DropReason.INVALID_ENGAGEMENT),
        rule("engagement negative time", o -> o.put("n", "engagement").put("sd", 10).put("e", -1), DropReason.INVALID_ENGAGEMENT),
        rule("engagement time over a day", o -> o.put("n", "engagement").put("sd", 10).put("e", 90_000_000L), DropReason.INVALID_ENGAGEMENT),
        rule("revenue on a pageview", o -> o.put("$", revenue(10, "EUR")), DropReason.INVALID_REVENUE),
        rule("revenue on an engagement ping", o -> o.put("n", "engagement").put("sd", 1).put("e", 1)
            .put("revenue", revenue(10, "EUR")), DropReason.INVALID_REVENUE),
        rule("revenue in an unknown currency", o -> o.put("n", "Purchase").put("$", revenue(10, "XYZ")), DropReason.INVALID_REVENUE),
        rule("revenue currency not a code", o -> o.put("n", "Purchase").put("$", revenue(10, "euro")), DropReason.INVALID_REVENUE),
        rule("revenue amount not a number", o -> o.put("n", "Purchase").put("$", revenue("ten", "EUR")), DropReason.INVALID_REVENUE),
        rule("revenue amount absurd", o -> o.put("n", "Purchase").put("$", revenue("1e13", "EUR")), DropReason.INVALID_REVENUE),
        rule("revenue without currency", o -> o.put("n", "Purchase").put("$", new JsonObject().put("amount", 1)), DropReason.INVALID_REVENUE),
        rule("revenue with other fields", o -> o.put("n", "Purchase")
            .put("$", revenue(1, "EUR").put("tax", 1)), DropReason.INVALID_REVENUE),
        rule("revenue a number", o -> o.put("n", "Purchase").put("revenue", 12), DropReason.INVALID_REVENUE),
        rule("revenue text that is not JSON", o -> o.put("n", "Purchase").put("revenue", "{amount:"), DropReason.INVALID_REVENUE));
  }

  private static JsonObject revenue(Object amount, String currency) {
    return new JsonObject().put("amount", amount).put("currency", currency);
  }

  private static JsonObject manyProps(int n) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < n; i++) {
      o.put("k" + i, i);
    }
    return o;
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("rules")
  @DisplayName("Each invalid field is rejected with its own reason and counted under that reason's label")
  void rejects(String what, Consumer<JsonObject> change, DropReason reason) {
    JsonObject event = PipelineFixture.valid();
    change.accept(event);
    double before = fixture.registry.counter("trackflow.collector.hits.rejected", "reason", reason.code()).count();
    Hit hit = fixture.run(event);
    assertThat(hit.drop).as(what).isEqualTo(reason);
    assertThat(fixture.registry.counter("trackflow.collector.hits.rejected", "reason", reason.code()).count())
        .isEqualTo(before + 1);
  }

  @Test
  @DisplayName("The valid baseline passes every step, and limits are inclusive (2048-char URL, 30 props, 120-char name)")
  void boundariesPass() {
    assertThat(fixture.run(PipelineFixture.valid()).drop).isNull();
    JsonObject atLimits = PipelineFixture.valid()
        .put("u", "https://example.com/" + "x".repeat(2048 - "https://example.com/".length()))
        .put("n", "n".repeat(120))
        .put("p", manyProps(30))
        .put("id", "i".repeat(128))
        .put("w", 100_000);
    assertThat(fixture.run(atLimits).drop).isNull();
  }

  @Test
  @DisplayName("The other limits are inclusive too: 253-character domain, 2048-character referrer, 300-character prop key, 2000-character value, a day engaged")
  void moreBoundariesPass() {
    String domain = "a".repeat(253 - ".example".length()) + ".example";
    Hit atDomainLimit = fixture.run(PipelineFixture.valid().put("d", domain));
    assertThat(atDomainLimit.drop).isEqualTo(DropReason.UNKNOWN_SITE); // past validation: the site lookup refused it
    JsonObject atLimits = PipelineFixture.valid()
        .put("r", "https://ref.example/" + "r".repeat(2048 - "https://ref.example/".length()))
        .put("p", new JsonObject().put("k".repeat(300), "v".repeat(2000)));
    assertThat(fixture.run(atLimits).drop).isNull();
    JsonObject dayLong = PipelineFixture.valid().put("n", "engagement").put("sd", 50).put("e", 24L * 3600 * 1000);
    assertThat(fixture.run(dayLong).drop).isNull();
  }

  @Test
  @DisplayName("Revenue on a custom event is kept as an exact decimal in millionths and an upper-case currency code")
  void revenueIsExact() {
    Hit euros = fixture.run(PipelineFixture.valid().put("n", "Purchase").put("$", revenue(49.9, "eur")));
    assertThat(euros.drop).isNull();
    assertThat(euros.event.build()).extracting(e -> e.revenueMicros(), e -> e.revenueCurrency())
        .containsExactly(49_900_000L, "EUR");
    Hit refund = fixture.run(PipelineFixture.valid().put("n", "Refund")
        .put("revenue", revenue("-0.0000015", "USD")));
    assertThat(refund.event.build()).extracting(e -> e.revenueMicros(), e -> e.revenueCurrency())
        .containsExactly(-2L, "USD");
    // As the pixel carries it: JSON text.
    Hit yen = fixture.run(PipelineFixture.valid().put("n", "Purchase").put("revenue", "{\"amount\": \"1000000000000\", \"currency\": \"JPY\"}"));
    assertThat(yen.event.build().revenueMicros()).isEqualTo(1_000_000_000_000_000_000L);
    assertThat(fixture.run(PipelineFixture.valid().put("n", "Signup")).event.build().hasRevenue()).isFalse();
  }

  @Test
  @DisplayName("Every drop reason has a distinct lower-case label, a message and a 4xx or 202 status")
  void reasonsAreWellFormed() {
    assertThat(Stream.of(DropReason.values()).map(DropReason::code).distinct().count())
        .isEqualTo(DropReason.values().length);
    for (DropReason r : DropReason.values()) {
      assertThat(r.code()).matches("[a-z_]+");
      assertThat(r.message()).isNotBlank();
      assertThat(r.status()).isIn(202, 400, 404, 413, 415);
    }
  }
}
