package io.trackflow.collector.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The parse step alone, at the edges of each accepted range and for every accepted spelling of
 * numbers, flags and props (Plausible's script and Events API send them in several forms).
 */
class ParseStepTest {

  private final ParseStep step = new ParseStep();

  private Hit parse(JsonObject fields) {
    JsonObject json = new JsonObject().put("n", "pageview").put("u", "https://example.com/")
        .put("d", "example.com");
    json.mergeIn(fields);
    Hit hit = new Hit(0, RawHit.fromJson(json), null, "agent", 0);
    hit.drop = step.apply(hit);
    return hit;
  }

  @Test
  @DisplayName("Screen widths from 0 to 2^31-1 parse as given; 2^31, which would wrap to a negative int, and -1 are refused")
  void screenWidthRange() {
    assertThat(parse(new JsonObject().put("w", 0)).screenWidth).isZero();
    assertThat(parse(new JsonObject().put("w", Integer.MAX_VALUE)).screenWidth).isEqualTo(Integer.MAX_VALUE);
    assertThat(parse(new JsonObject().put("w", "1280")).screenWidth).isEqualTo(1280);
    assertThat(parse(new JsonObject().put("w", 1L + Integer.MAX_VALUE)).drop).isEqualTo(DropReason.INVALID_SCREEN_WIDTH);
    assertThat(parse(new JsonObject().put("w", -1)).drop).isEqualTo(DropReason.INVALID_SCREEN_WIDTH);
  }

  @Test
  @DisplayName("Engagement accepts scroll depths 0 and 100 and 0 ms engaged, and reads missing values as 0")
  void engagementRange() {
    Hit low = parse(new JsonObject().put("n", "engagement").put("sd", 0).put("e", 0));
    assertThat(low.drop).isNull();
    assertThat(low.scrollDepth).isZero();
    assertThat(low.engagedMillis).isZero();
    Hit full = parse(new JsonObject().put("n", "engagement").put("sd", "100").put("e", 1500.0));
    assertThat(full.drop).isNull();
    assertThat(full.scrollDepth).isEqualTo(100);
    assertThat(full.engagedMillis).isEqualTo(1500);
    Hit missing = parse(new JsonObject().put("n", "engagement"));
    assertThat(missing.drop).isNull();
    assertThat(missing.scrollDepth).isZero();
    assertThat(missing.engagedMillis).isZero();
    assertThat(parse(new JsonObject().put("n", "engagement").put("sd", -1)).drop).isEqualTo(DropReason.INVALID_ENGAGEMENT);
    assertThat(parse(new JsonObject().put("n", "engagement").put("sd", "lots")).drop).isEqualTo(DropReason.INVALID_ENGAGEMENT);
  }

  @Test
  @DisplayName("Decimal prop values are written without trailing zeros or exponent; unset props are skipped and blank props mean none")
  void propValues() {
    Hit hit = parse(new JsonObject().put("p", new JsonObject().put("price", 2.50).put("qty", 3.0)
        .put("big", 1e21).put("tiny", 0.000125).put("gone", (Object) null).put("n", 7).put("ok", true)));
    assertThat(hit.drop).isNull();
    assertThat(hit.propKeys).containsExactly("price", "qty", "big", "tiny", "n", "ok");
    assertThat(hit.propValues).containsExactly("2.5", "3", "1000000000000000000000", "0.000125", "7", "true");
    Hit blank = parse(new JsonObject().put("p", "   "));
    assertThat(blank.drop).isNull();
    assertThat(blank.propKeys).isEmpty();
    assertThat(parse(new JsonObject().put("p", "[1]")).drop).isEqualTo(DropReason.INVALID_PROPS);
    assertThat(parse(new JsonObject().put("p", new JsonObject().put("list", new JsonArray()))).drop)
        .isEqualTo(DropReason.INVALID_PROPS);
  }

  @Test
  @DisplayName("A whole number is read from integers, integral doubles below 9e15 and numeric strings of up to 19 characters")
  void wholeNumbers() {
    assertThat(ParseStep.wholeNumber(42)).isEqualTo(42L);
    assertThat(ParseStep.wholeNumber(1024.0)).isEqualTo(1024L);
    assertThat(ParseStep.wholeNumber(-8.0)).isEqualTo(-8L);
    assertThat(ParseStep.wholeNumber(8_999_999_999_999_998.0)).isEqualTo(8_999_999_999_999_998L);
    assertThat(ParseStep.wholeNumber(9.0e15)).isNull();
    assertThat(ParseStep.wholeNumber(1024.5)).isNull();
    assertThat(ParseStep.wholeNumber(Double.POSITIVE_INFINITY)).isNull();
    assertThat(ParseStep.wholeNumber(Double.NaN)).isNull();
    assertThat(ParseStep.wholeNumber(" 42 ")).isEqualTo(42L);
    assertThat(ParseStep.wholeNumber("1e3")).isEqualTo(1000L);
    assertThat(ParseStep.wholeNumber("1234567890123456789")).isEqualTo(1_234_567_890_123_456_789L);
    assertThat(ParseStep.wholeNumber("12345678901234567890")).isNull();
    assertThat(ParseStep.wholeNumber("1.5")).isNull();
    assertThat(ParseStep.wholeNumber("")).isNull();
    assertThat(ParseStep.wholeNumber("abc")).isNull();
    assertThat(ParseStep.wholeNumber(true)).isNull();
  }

  @Test
  @DisplayName("A flag is true/false, 1/0 as number or string in any case, the default when missing, and invalid otherwise")
  void flags() {
    assertThat(ParseStep.flag(null, false)).isFalse();
    assertThat(ParseStep.flag(null, true)).isTrue();
    assertThat(ParseStep.flag(true, false)).isTrue();
    assertThat(ParseStep.flag(false, true)).isFalse();
    assertThat(ParseStep.flag(1, false)).isTrue();
    assertThat(ParseStep.flag(0.0, true)).isFalse();
    assertThat(ParseStep.flag(" TRUE ", false)).isTrue();
    assertThat(ParseStep.flag("0", true)).isFalse();
    assertThat(ParseStep.flag("", true)).isFalse();
    assertThat(ParseStep.flag(2, false)).isNull();
    assertThat(ParseStep.flag(0.5, false)).isNull();
    assertThat(ParseStep.flag("yes", false)).isNull();
    assertThat(ParseStep.flag(new JsonObject(), false)).isNull();
  }

  @Test
  @DisplayName("Hash routing is off unless sent, and interactivity on unless sent, in every accepted spelling")
  void flagDefaultsOnTheHit() {
    Hit plain = parse(new JsonObject());
    assertThat(plain.hashRouting).isFalse();
    assertThat(plain.interactive).isTrue();
    Hit hash = parse(new JsonObject().put("h", 1).put("i", "false"));
    assertThat(hash.hashRouting).isTrue();
    assertThat(hash.interactive).isFalse();
    assertThat(parse(new JsonObject().put("hash", true)).hashRouting).isTrue();
  }

  @Test
  @DisplayName("A numeric id is kept as its digits and a blank id counts as none")
  void ids() {
    assertThat(parse(new JsonObject().put("id", 12345)).clientId).isEqualTo("12345");
    assertThat(parse(new JsonObject().put("id", "  ")).clientId).isNull();
  }
}
