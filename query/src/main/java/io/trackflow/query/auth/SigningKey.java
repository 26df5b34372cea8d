package io.trackflow.query.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The HMAC key that signs access tokens: from configuration when given, otherwise generated
 * once and kept in the data directory (owner-only file), so tokens survive restarts. Blocking
 * file access: call it off the event loop.
 */
public final class SigningKey {

  public static final String FILE_NAME = "jwt-signing.key";
  public static final int MIN_LENGTH = 32;

  private SigningKey() {}

  public static String resolve(Optional<String> configured, Path dataDir) throws IOException {
    if (configured.isPresent()) {
      if (configured.get().length() < MIN_LENGTH) {
        throw new IllegalArgumentException("TRACKFLOW_JWT_SECRET: at least " + MIN_LENGTH + " characters");
      }
      return configured.get();
    }
    Path file = dataDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      return read(file);
    }
    Files.createDirectories(dataDir);
    String secret = Secrets.randomToken() + Secrets.randomToken();
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      // Another instance won the race; use its key.
      return read(file);
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, secret, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    return secret;
  }

  private static String read(Path file) throws IOException {
    String secret = Files.readString(file, StandardCharsets.US_ASCII).trim();
    if (secret.length() < MIN_LENGTH) {
      throw new IOException(file + " holds no usable signing key; delete it to generate a new one");
    }
    return secret;
  }
}
