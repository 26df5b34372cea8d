package io.trackflow.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL cluster made by {@code initdb} from the newest version under
 * /usr/lib/postgresql, listening on 127.0.0.1 with trust authentication and its Unix socket in
 * the service directory. PostgreSQL refuses to run as root, so under root it runs as the
 * {@code postgres} account (created as {@value #FALLBACK_USER} where that does not exist).
 * fsync and full_page_writes are off: commits still reach the OS before they return, so a killed
 * server (see {@link #kill()}) keeps them; only a machine crash would lose them.
 */
public final class PostgresService extends RealService {

  static final Path POSTGRESQL_ROOT = Path.of("/usr/lib/postgresql");
  static final String FALLBACK_USER = "trackflow-test";
  private static final String SUPERUSER = "postgres";
  private static final String DEFAULT_DATABASE = "postgres";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private final Path bin;
  private final String runAs;
  private int port;

  private PostgresService(Path bin, String runAs) {
    super("PostgreSQL");
    this.bin = bin;
    this.runAs = runAs;
    choosePorts();
  }

  /** A stopped instance; fails first if PostgreSQL is not installed. */
  static PostgresService create() {
    Path bin = Host.newestPostgresBin(POSTGRESQL_ROOT).orElseThrow(() -> new MissingServiceBinaryException(
        "PostgreSQL server", List.of(POSTGRESQL_ROOT + "/<version>/bin/postgres"), "postgresql"));
    for (String tool : List.of("initdb", "pg_isready", "psql")) {
      if (!Files.isExecutable(bin.resolve(tool))) {
        throw new MissingServiceBinaryException("PostgreSQL " + tool, List.of(bin.resolve(tool).toString()),
            tool.equals("psql") ? "postgresql-client" : "postgresql");
      }
    }
    return new PostgresService(bin, Host.isRoot() ? unprivilegedUser() : null);
  }

  /** Starts a private PostgreSQL; the caller closes it. Tests usually share one via {@link RealServices}. */
  public static PostgresService launch() {
    return RealServices.started(create());
  }

  /** Loopback host the server listens on. */
  public String host() {
    return "127.0.0.1";
  }

  /** The server's TCP port. */
  public int port() {
    return port;
  }

  /** The superuser to connect as; no password is needed (trust authentication). */
  public String user() {
    return SUPERUSER;
  }

  /** The database that always exists; tests should prefer {@link #newDatabase()}. */
  public String database() {
    return DEFAULT_DATABASE;
  }

  /** The directory holding the server's Unix socket. */
  public Path socketDirectory() {
    return directory();
  }

  /** Connection URI for the default database, e.g. {@code postgresql://postgres@127.0.0.1:41234/postgres}. */
  public String uri() {
    return uri(DEFAULT_DATABASE);
  }

  /** Connection URI for {@code database}, understood by vertx-pg-client and libpq. */
  public String uri(String database) {
    return "postgresql://" + SUPERUSER + "@127.0.0.1:" + port + "/" + database;
  }

  /** Creates a database with a fresh name and returns the name. */
  public String newDatabase() {
    String database = TestNames.unique("db");
    psql(DEFAULT_DATABASE, "CREATE DATABASE " + database);
    return database;
  }

  /**
   * Runs SQL through psql and returns its unaligned, tuples-only output (columns separated by
   * '|', one row per line); fails with psql's message on any error. For set-up and independent
   * checks, not for code under test.
   */
  public String psql(String database, String sql) {
    Host.Result result = Host.run(List.of(bin.resolve("psql").toString(),
            "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", SUPERUSER, "-d", database,
            "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql),
        null, Map.of("PGCONNECT_TIMEOUT", "10"), COMMAND_TIMEOUT);
    if (!result.ok()) {
      throw new IllegalStateException("psql failed (exit " + result.exitCode() + ") for: " + sql + "\n"
          + result.output());
    }
    return result.output().strip();
  }

  @Override
  void choosePorts() {
    port = FreePorts.allocate(1)[0];
  }

  @Override
  void configure() throws IOException {
    if (runAs != null) {
      // The server's account must own the directory it writes its cluster and socket into.
      handOver(directory(), runAs);
    }
  }

  @Override
  void initialize() {
    runSetupCommand("initdb", List.of(bin.resolve("initdb").toString(),
        "-D", dataDirectory().toString(), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
        "--locale=C", "--no-sync", "--no-instructions"), COMMAND_TIMEOUT);
  }

  @Override
  List<String> command() {
    return List.of(bin.resolve("postgres").toString(),
        "-D", dataDirectory().toString(),
        "-p", Integer.toString(port),
        "-k", socketDirectory().toString(),
        "-c", "listen_addresses=127.0.0.1",
        "-c", "fsync=off",
        "-c", "full_page_writes=off",
        "-c", "TimeZone=UTC",
        "-c", "max_connections=200");
  }

  @Override
  String runAsUser() {
    return runAs;
  }

  @Override
  Map<String, String> environment() {
    return Map.of("LC_ALL", "C");
  }

  @Override
  boolean probe() {
    return Host.run(List.of(bin.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1",
            "-p", Integer.toString(port), "-U", SUPERUSER, "-d", DEFAULT_DATABASE, "-t", "1"),
        null, Map.of(), Duration.ofSeconds(5)).ok();
  }

  @Override
  void requestStop(Process current) {
    // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM would wait for every client to disconnect.
    Host.run(List.of("kill", "-INT", Long.toString(current.pid())), null, Map.of(), Duration.ofSeconds(5));
  }

  @Override
  String endpoint() {
    return uri();
  }

  @Override
  boolean gracefulClose() {
    // A killed postmaster leaves its backends and a System V shared memory segment behind.
    return true;
  }

  private Path dataDirectory() {
    return directory().resolve("data");
  }

  private static String unprivilegedUser() {
    if (Host.userExists(SUPERUSER)) {
      return SUPERUSER;
    }
    if (!Host.userExists(FALLBACK_USER)) {
      Host.Result created = Host.run(List.of("useradd", "--system", "--user-group", "--no-create-home",
          "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", FALLBACK_USER), null, Map.of(), COMMAND_TIMEOUT);
      if (!created.ok() && !Host.userExists(FALLBACK_USER)) {
        throw new ServiceStartException("PostgreSQL refuses to run as root and user '" + FALLBACK_USER
            + "' could not be created: " + created.output());
      }
    }
    return FALLBACK_USER;
  }

  private static void handOver(Path dir, String user) throws IOException {
    UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(dir, lookup.lookupPrincipalByName(user));
    Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(lookup.lookupPrincipalByGroupName(user));
  }
}
