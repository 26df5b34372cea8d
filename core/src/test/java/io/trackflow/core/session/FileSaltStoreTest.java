package io.trackflow.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trackflow.core.session.local.FileSaltStore;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The file salt store fulfils the salt store contract and keeps salts across restarts")
class FileSaltStoreTest extends SaltStoreContract {

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("data").resolve("salts");
  }

  @Override
  protected SaltStore create(Vertx vertx) throws Exception {
    return await(FileSaltStore.open(vertx, file()));
  }

  @Test
  @DisplayName("A store opened again on the same file (a restart) answers the salts the first one created, and not the ones it deleted")
  void saltsSurviveARestart() throws Exception {
    LocalDate day = LocalDate.of(2031, 3, 9);
    SaltStore first = store();
    byte[] old = await(first.saltFor(day.minusDays(2)));
    byte[] yesterday = await(first.saltFor(day.minusDays(1)));
    byte[] today = await(first.saltFor(day));
    await(first.deleteBefore(day.minusDays(1)));

    SaltStore restarted = store();
    assertThat(await(restarted.saltFor(day))).isEqualTo(today);
    assertThat(await(restarted.saltFor(day.minusDays(1)))).isEqualTo(yesterday);
    assertThat(((FileSaltStore) restarted).days()).doesNotContain(day.minusDays(2));
    assertThat(Files.readString(file())).doesNotContain(HexFormat.of().formatHex(old))
        .contains(HexFormat.of().formatHex(today));
  }

  @Test
  @DisplayName("The salt file is readable and writable by its owner only, and no temporary file is left beside it")
  void ownerOnly() throws Exception {
    await(store().saltFor(LocalDate.of(2031, 3, 9)));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
    try (var files = Files.list(file().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("salts");
    }
  }

  @Test
  @DisplayName("A damaged salt file stops the store from opening, naming the file and line, instead of silently starting new salts")
  void damagedFileIsRefused() throws Exception {
    Files.createDirectories(file().getParent());
    Files.writeString(file(), "2031-03-09 " + "ab".repeat(16) + "\n2031-03-10 not-hex\n");

    assertThatThrownBy(() -> store()).hasMessageContaining(file().toString()).hasMessageContaining("line 2");
  }

  @Test
  @DisplayName("A temporary file left by a crash during a write is ignored and replaced; the salts of the whole file stay")
  void leftoverTemporaryFile() throws Exception {
    LocalDate day = LocalDate.of(2031, 3, 9);
    byte[] kept = await(store().saltFor(day));
    Files.writeString(file().resolveSibling("salts.tmp"), "2031-03-0");

    SaltStore restarted = store();
    assertThat(await(restarted.saltFor(day))).isEqualTo(kept);
    await(restarted.saltFor(day.plusDays(1)));
    assertThat(Files.exists(file().resolveSibling("salts.tmp"))).isFalse();
    assertThat(await(store().saltFor(day))).isEqualTo(kept);
  }
}
