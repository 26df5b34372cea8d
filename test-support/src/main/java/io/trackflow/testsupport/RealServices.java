package io.trackflow.testsupport;

import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands tests the real services. Each service starts on first use and is
 * shared by every test class of the run (it lives in the root context's store, which closes it
 * when the run ends); a JVM shutdown hook and the kernel's parent-death signal stop it if the run
 * dies instead.
 *
 * <pre>{@code
 * @ExtendWith({VertxExtension.class, RealServices.class})
 * class WriterIT {
 *   @Test
 *   void writes(KafkaService kafka, ClickHouseService clickHouse, Vertx vertx, VertxTestContext ctx) {
 *     String topic = kafka.newTopic(3);
 *     String database = clickHouse.newDatabase();
 *     ...
 * }</pre>
 *
 * Resolves parameters of type {@link KafkaService}, {@link RedisService}, {@link
 * ClickHouseService} and {@link PostgresService} in constructors, lifecycle methods and tests; a
 * service a previous test stopped is started again before it is handed out. Other extensions
 * can use the static accessors with their {@link ExtensionContext}.
 */
public final class RealServices implements ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(RealServices.class);
  private static final Map<Class<?>, Supplier<? extends RealService>> FACTORIES = Map.of(
      KafkaService.class, KafkaService::create,
      RedisService.class, RedisService::create,
      ClickHouseService.class, ClickHouseService::create,
      PostgresService.class, PostgresService::create);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return FACTORIES.containsKey(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context, parameter.getParameter().getType().asSubclass(RealService.class));
  }

  /** The run's shared Kafka, started on first use. */
  public static KafkaService kafka(ExtensionContext context) {
    return shared(context, KafkaService.class);
  }

  /** The run's shared Redis, started on first use. */
  public static RedisService redis(ExtensionContext context) {
    return shared(context, RedisService.class);
  }

  /** The run's shared ClickHouse, started on first use. */
  public static ClickHouseService clickHouse(ExtensionContext context) {
    return shared(context, ClickHouseService.class);
  }

  /** The run's shared PostgreSQL, started on first use. */
  public static PostgresService postgres(ExtensionContext context) {
    return shared(context, PostgresService.class);
  }

  private static <T extends RealService> T shared(ExtensionContext context, Class<T> type) {
    // The root store memoizes a failed start too, so a missing binary fails every test at once
    // with the same message instead of timing out again in each.
    T service = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(type, key -> type.cast(started(FACTORIES.get(key).get())), type);
    service.start();
    return service;
  }

  /** Starts {@code service}, closing it (and deleting its directory) if the start fails. */
  static <T extends RealService> T started(T service) {
    try {
      service.start();
      return service;
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
  }
}
