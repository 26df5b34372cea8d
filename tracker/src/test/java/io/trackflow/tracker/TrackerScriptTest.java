package io.trackflow.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TrackerScriptTest {

  @Test
  @DisplayName("The built tracker is packaged at trackflow/tracker/tracker.js as one self-contained minified script")
  void packagedScriptIsTheMinifiedBuild() {
    String script = new String(TrackerScript.bytes(), StandardCharsets.UTF_8);

    assertThat(script).startsWith("(()=>{").contains("/api/event").contains("sendBeacon");
    assertThat(script.strip().lines()).hasSize(1);
    assertThat(script).doesNotContain("import ").doesNotContain("export ").doesNotContain("require(");
  }

  @Test
  @DisplayName("The packaged tracker stays within its 1,500-byte gzipped size budget")
  void packagedScriptIsWithinBudget() throws IOException {
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip =
        new GZIPOutputStream(gzipped) {
          {
            def.setLevel(Deflater.BEST_COMPRESSION);
          }
        }) {
      gzip.write(TrackerScript.bytes());
    }
    assertThat(gzipped.size()).isPositive().isLessThanOrEqualTo(1500);
  }
}
