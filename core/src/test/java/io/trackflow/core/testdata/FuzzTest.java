package io.trackflow.core.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The fuzz harness")
class FuzzTest {

  @Test
  @DisplayName("A failing try names a seed from which the generator makes the very input that failed")
  void failureNamesItsSeed() {
    Gen<String> gen = HostileInput.strings();
    List<String> seen = new ArrayList<>();
    Throwable failure = catchThrowable(() -> Fuzz.forAll(1_000, gen, s -> {
      seen.add(s);
      assertThat(seen).hasSizeLessThan(3);
    }));
    assertThat(failure).isInstanceOf(AssertionError.class).hasMessageContaining("-Dtrackflow.fuzz.seed=");
    String message = failure.getMessage();
    long seed = Long.parseLong(message.replaceAll("(?s).*-Dtrackflow\\.fuzz\\.seed=(-?\\d+).*", "$1"));
    assertThat(seen).hasSize(3);
    assertThat(gen.next(new Random(seed))).isEqualTo(seen.get(2));
  }

  @Test
  @DisplayName("A property that holds runs its tries and passes; one that throws anything fails")
  void passesAndFails() {
    int[] runs = {0};
    Fuzz.forAll(50, Gen.ints(0, 9), i -> runs[0]++);
    assertThat(runs[0]).isEqualTo(Integer.getInteger(Fuzz.TRIES, 50));
    assertThatThrownBy(() -> Fuzz.forAll(5, Gen.constant("x"), s -> {
      throw new IllegalStateException("boom");
    })).isInstanceOf(AssertionError.class).hasMessageContaining("boom").hasMessageContaining("try 1 of");
  }
}
