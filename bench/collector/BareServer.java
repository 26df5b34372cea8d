import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;

/**
 * The baseline: a bare Vert.x HTTP server answering 204 to everything, one verticle instance per
 * core like TrackFlow's HTTP server. Run as a single-file program on trackflow.jar's classpath:
 * {@code java -cp server/target/trackflow.jar bench/collector/BareServer.java PORT}.
 */
public class BareServer {

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    int instances = Runtime.getRuntime().availableProcessors();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer()
            .requestHandler(req -> req.response().setStatusCode(204).end())
            .listen(port, "127.0.0.1");
      }
    }, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bare server listening on " + port))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}
