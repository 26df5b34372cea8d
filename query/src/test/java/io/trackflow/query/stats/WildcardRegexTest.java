package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Wildcard patterns become anchored regular expressions that match exactly like the wildcard")
class WildcardRegexTest {

  private static final String ALPHABET = "ab/*.?+()[]{}|^$\\-#&~ é\n";

  @Test
  @DisplayName("On random patterns and values, the regex agrees with a plain wildcard matcher")
  void agreesWithGlob() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      String pattern = random(random, 6);
      String value = random.nextBoolean() ? random(random, 8) : pattern.replace("*", random(random, 2));
      boolean expected = StatsOracle.glob(pattern, value);
      // java.util.regex reads this subset of RE2 syntax the same way.
      boolean actual = Pattern.compile(Wildcards.toRegex(pattern)).matcher(value).matches();
      assertThat(actual).as("pattern %s value %s", pattern, value).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("Matching is exact and anchored: a pattern without stars matches only itself")
  void anchored() {
    assertThat(Pattern.compile(Wildcards.toRegex("/blog")).matcher("/blog/x").matches()).isFalse();
    assertThat(Pattern.compile(Wildcards.toRegex("/blog*")).matcher("/blog/x").matches()).isTrue();
    assertThat(Pattern.compile(Wildcards.toRegex("/Blog")).matcher("/blog").matches()).isFalse();
  }

  private static String random(Random random, int max) {
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(max + 1);
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
