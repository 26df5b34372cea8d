package io.trackflow.writer;

import io.trackflow.core.config.Role;
import io.trackflow.core.config.Setting;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.health.ReadinessCheck;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.core.queue.EventConsumer;
import io.trackflow.core.role.RoleContext;
import io.trackflow.core.role.RoleInstance;
import io.trackflow.core.role.RoleProvider;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.rollup.RollupBuilder;
import io.vertx.core.Future;
import java.time.Clock;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The writer role: migrates the event store, then deploys one {@link WriterVerticle} that moves
 * events from the process's queue consumer into the store, a {@link CompactionVerticle} that has
 * the store merge settled data, and a {@link RollupVerticle} that builds the rollups of settled
 * days. Readiness covers both adapters.
 */
public final class WriterRoleProvider implements RoleProvider {

  @Override
  public Role role() {
    return Role.WRITER;
  }

  @Override
  public Future<RoleInstance> start(RoleContext context) {
    Future<EventConsumer> consumer = context.components().get(EventConsumer.class);
    Future<EventStore> store = context.components().get(EventStore.class);
    return Future.all(consumer, store)
        .compose(both -> store.result().migrate())
        .compose(migrated -> {
          WriterOptions options = WriterOptions.fromConfig(context.config());
          WriterMetrics metrics = new WriterMetrics(context.registry(), consumer.result());
          context.health()
              .add(ReadinessCheck.of("writer-queue", () -> Future.succeededFuture(consumer.result().healthy())))
              .add(ReadinessCheck.of("writer-store", () -> store.result().ping()));
          Future<List<String>> running = context.vertx()
              .deployVerticle(new WriterVerticle(consumer.result(), store.result(), options, metrics))
              .compose(writer -> context.vertx().deployVerticle(new CompactionVerticle(store.result(),
                  CompactionVerticle.DEFAULT_INTERVAL, context.registry())).map(compaction -> List.of(writer, compaction)));
          if (!buildsRollups(context.config())) {
            return running;
          }
          RollupBuilder rollups = new RollupBuilder(store.result(), context.vertx(), Clock.systemUTC(),
              RollupVerticle.SETTLE);
          return running.compose(deployed -> context.vertx().deployVerticle(new RollupVerticle(rollups,
              RollupVerticle.DEFAULT_INTERVAL, context.registry())).map(rollup -> {
                List<String> all = new java.util.ArrayList<>(deployed);
                all.add(rollup);
                return all;
              }));
        })
        .map(deployments -> instance(context.vertx(), deployments));
  }

  /**
   * Rollups are built only where stats may read them: with {@code stats.rollups} at {@code never}
   * finding the days to build would scan every stored event each interval for nothing. Turned on
   * later, the first run builds every settled day not built yet.
   */
  static boolean buildsRollups(TrackflowConfig config) {
    return !"never".equalsIgnoreCase(config.string(Setting.STATS_ROLLUPS).trim());
  }

  private static RoleInstance instance(Vertx vertx, List<String> deployments) {
    return new RoleInstance() {
      @Override
      public List<HttpRoutes> routes() {
        return List.of();
      }

      @Override
      public Future<Void> stop() {
        // In reverse order, the writer last: undeploying it flushes and lets the consumer commit.
        Future<Void> chain = Future.succeededFuture();
        for (int i = deployments.size() - 1; i >= 0; i--) {
          String deployment = deployments.get(i);
          chain = chain.eventually(() -> vertx.undeploy(deployment));
        }
        return chain;
      }
    };
  }
}
