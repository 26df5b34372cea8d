package io.trackflow.core.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Visitor sketches: exact for small rows and unions, within the stated error beyond")
class VisitorSketchTest {

  private static List<Long> ids(long seed, int n) {
    Random random = new Random(seed);
    List<Long> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(random.nextLong());
    }
    return ids;
  }

  @Test
  @DisplayName("A union of id lists counts exactly, duplicates across rows once, up to its exact limit")
  void idListsUniteExactly() {
    List<Long> a = ids(1, 1_000);
    List<Long> b = new ArrayList<>(ids(2, 700));
    b.addAll(a.subList(0, 300));
    VisitorSketch.Union union = new VisitorSketch.Union(10_000);
    union.addText(VisitorSketch.encode(a));
    union.addText(VisitorSketch.encode(new java.util.HashSet<>(b)));
    assertThat(union.estimate()).isEqualTo(1_700);
    assertThat(union.exact()).isTrue();
  }

  @Test
  @DisplayName("Beyond the exact range the estimate stays within three standard errors, from thousands to millions")
  void estimatesWithinTheStatedError() {
    for (int n : new int[] {1_500, 20_000, 60_000, 300_000, 2_000_000}) {
      VisitorSketch.Union union = new VisitorSketch.Union(0);
      // Four rows, as four days of one group: each a sketch (or ids), together n distinct.
      List<Long> all = ids(n, n);
      for (int part = 0; part < 4; part++) {
        union.addText(VisitorSketch.encode(new java.util.HashSet<>(all.subList(part * n / 4, (part + 1) * n / 4))));
      }
      assertThat(union.exact()).isFalse();
      double error = Math.abs(union.estimate() - n) / (double) n;
      assertThat(error).as("relative error at %d", n).isLessThan(3 * VisitorSketch.RELATIVE_ERROR);
    }
  }

  @Test
  @DisplayName("A sketch with few registers set is written sparse, and estimates the same as written dense")
  void sparseSketchesEstimateLikeDenseOnes() {
    List<Long> few = ids(11, 2_000);
    String sparse = VisitorSketch.encode(new java.util.HashSet<>(few));
    assertThat(sparse).startsWith("s:");
    assertThat(sparse.length()).isLessThan(VisitorSketch.encode(new java.util.HashSet<>(ids(12, 20_000))).length() / 2);
    VisitorSketch.Union fromText = new VisitorSketch.Union(0);
    fromText.addText(sparse);
    VisitorSketch.Union fromIds = new VisitorSketch.Union(0);
    few.forEach(fromIds::add);
    assertThat(fromText.estimate()).isEqualTo(fromIds.estimate());
    assertThat(Math.abs(fromText.estimate() - 2_000) / 2_000.0).isLessThan(3 * VisitorSketch.RELATIVE_ERROR);
  }

  @Test
  @DisplayName("Merging a sketch with itself, or adding the same ids again, changes nothing")
  void mergingIsIdempotent() {
    String sketch = VisitorSketch.encode(new java.util.HashSet<>(ids(7, 50_000)));
    VisitorSketch.Union once = new VisitorSketch.Union(0);
    once.addText(sketch);
    VisitorSketch.Union twice = new VisitorSketch.Union(0);
    twice.addText(sketch);
    twice.addText(sketch);
    ids(7, 50_000).forEach(twice::add);
    assertThat(twice.estimate()).isEqualTo(once.estimate());
  }

  @Test
  @DisplayName("Text that is no visitor sketch is refused, not misread")
  void refusesOtherText() {
    assertThatThrownBy(() -> new VisitorSketch.Union(10).addText("x:AAAA")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VisitorSketch.Union(10).addText("h:AAAA")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VisitorSketch.Union(10).addText("s:AAAAAA")).isInstanceOf(IllegalArgumentException.class);
  }
}
