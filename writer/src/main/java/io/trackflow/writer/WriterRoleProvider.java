package io.trackflow.writer;

import io.trackflow.core.config.Role;
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
          RollupBuilder rollups = new RollupBuilder(store.result(), context.vertx(), Clock.systemUTC(),
              RollupVerticle.SETTLE);
          return context.vertx().deployVerticle(new WriterVerticle(consumer.result(), store.result(), options, metrics))
              .compose(writer -> context.vertx().deployVerticle(new CompactionVerticle(store.result(),
                  CompactionVerticle.DEFAULT_INTERVAL, context.registry())).map(compaction -> List.of(writer, compaction)))
              .compose(deployed -> context.vertx().deployVerticle(new RollupVerticle(rollups,
                  RollupVerticle.DEFAULT_INTERVAL, context.registry())).map(rollup -> {
                    List<String> all = new java.util.ArrayList<>(deployed);
                    all.add(rollup);
                    return all;
                  }));
        })
        .map(deployments -> instance(context.vertx(), deployments));
  }

  private static RoleInstance instance(Vertx vertx, List<String> deployments) {
    return new RoleInstance() {
      @Override
      public List<HttpRoutes> routes() {
        return List.of();
      }

      @Override
      public Future<Void> stop() {
        // Undeploying stops the writer: it flushes and lets the consumer commit.
        return vertx.undeploy(deployments.get(2)).eventually(() -> vertx.undeploy(deployments.get(1)))
            .eventually(() -> vertx.undeploy(deployments.get(0)));
      }
    };
  }
}
