package io.trackflow.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.rollup.RollupBuilder;
import io.trackflow.core.role.Components;
import io.trackflow.core.store.EventStore;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar trackflow.jar rollups rebuild [FROM TO]}: rebuilds the rollups of the settled
 * UTC days FROM to TO (ISO dates, both included; every day with events when omitted) from the raw
 * tables of the configured event store, e.g. after an import or a site's time zone change. The
 * writers rebuild days written to after their build on their own; this is for everything else.
 */
final class RollupsCommand {

  static final String USAGE = "usage: java -jar trackflow.jar rollups rebuild [FROM TO]  (UTC dates, e.g. 2025-03-01 2025-03-31)";
  /** As long as a whole rebuild of a large store may take. */
  private static final Duration DEADLINE = Duration.ofHours(6);

  private RollupsCommand() {}

  /** True when the arguments ask for this command. */
  static boolean applies(String[] args) {
    return args.length > 0 && args[0].equals("rollups");
  }

  /** Runs the command; answers the process's exit code (0 done, 1 failed, 2 bad arguments). */
  static int run(String[] args, TrackflowConfig config, Vertx vertx, MeterRegistry registry, PrintStream out) {
    LocalDate from = null;
    LocalDate to = null;
    try {
      if (args.length == 4 && args[1].equals("rebuild")) {
        from = LocalDate.parse(args[2]);
        to = LocalDate.parse(args[3]);
      } else if (args.length != 2 || !args[1].equals("rebuild")) {
        out.println(USAGE);
        return 2;
      }
    } catch (DateTimeParseException e) {
      out.println(USAGE);
      return 2;
    }
    if (from != null && to.isBefore(from)) {
      out.println("TO is before FROM; " + USAGE);
      return 2;
    }
    Components components = Adapters.register(vertx, config, registry);
    LocalDate first = from;
    LocalDate last = to;
    try {
      int built = components.get(EventStore.class)
          .compose(store -> new RollupBuilder(store, vertx, Clock.systemUTC(), Duration.ZERO).rebuild(first, last))
          .toCompletionStage().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      out.println("Rebuilt the rollups of " + built + " day(s)");
      return 0;
    } catch (Exception e) {
      out.println("Rebuilding the rollups failed: " + e.getMessage());
      return 1;
    } finally {
      components.closeAll().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }
  }
}
