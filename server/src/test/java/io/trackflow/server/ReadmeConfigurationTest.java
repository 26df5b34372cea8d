package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReadmeConfigurationTest {

  @Test
  @DisplayName("The README's configuration table lists every setting with its file key and default")
  void readmeListsEverySetting() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    List<String> missing = Arrays.stream(Setting.values())
        .map(s -> "| `" + s.env() + "` | `" + s.key() + "` | "
            + (s.defaultValue().isEmpty() ? "—" : "`" + s.defaultValue() + "`") + " | ")
        .filter(row -> !readme.contains(row))
        .toList();
    assertThat(missing).as("rows missing from README.md's configuration table").isEmpty();
  }
}
