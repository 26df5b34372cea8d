package io.trackflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TestNamesTest {

  @Test
  @DisplayName("Unique names keep the prefix and use only characters valid for topics and databases")
  void shape() {
    assertThat(TestNames.unique("topic")).matches("topic_[a-z0-9]{10}");
  }

  @Test
  @DisplayName("A thousand unique names never repeat")
  void noRepeats() {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      names.add(TestNames.unique("db"));
    }
    assertThat(names).hasSize(1000);
  }

  @Test
  @DisplayName("A prefix that some service would reject is refused up front")
  void rejectsBadPrefix() {
    assertThatThrownBy(() -> TestNames.unique("My-Topic")).isInstanceOf(IllegalArgumentException.class);
  }
}
