package io.trackflow.query.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.cache.local.InMemoryQueryCache;
import io.trackflow.core.event.Event;
import io.trackflow.core.http.HttpFailure;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.QueryResult;
import io.trackflow.core.store.ReadView;
import io.trackflow.core.store.SqlDialect;
import io.trackflow.core.store.SqlLiterals;
import io.trackflow.core.testdata.Fuzz;
import io.trackflow.core.testdata.Gen;
import io.trackflow.core.testdata.HostileInput;
import io.trackflow.query.stats.HostileQueries.Template;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The stats query compiler over generated hostile queries: the parser answers a query or a 400,
 * and the SQL both stores are sent keeps every user string inside a string literal.
 *
 * <p>The second property compares each hostile query's SQL with its twin's, the same query whose
 * user strings are replaced by harmless ones ({@code v0}, {@code v1}, …): with every literal
 * masked, by a lexer of each store's literal syntax written independently of the escaping
 * function, the two must be the same text. A user string that leaked out of its literal (an
 * unescaped quote, a backslash ClickHouse reads as an escape) changes the text outside literals.
 */
@DisplayName("The stats query compiler over hostile queries")
class QueryCompilerFuzzTest {

  private static final String SITE = "fuzz.example";
  private static final Instant NOW = Instant.parse("2025-03-31T12:00:00Z");
  private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

  private final QueryParser parser = new QueryParser();

  @Test
  @DisplayName("Any body, hostile query or not JSON at all, parses to a query or is a 400 naming the field, never another exception")
  void parserAnswersA400() {
    Gen<String> bodies = Gen.oneOf(HostileQueries.queries(SITE, HostileInput.strings()).map(t -> t.body().encode()),
        HostileQueries.junk());
    Fuzz.forAll(300, bodies, body -> {
      try {
        parser.parse(Buffer.buffer(body));
      } catch (HttpFailure refused) {
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error().code()).isEqualTo("invalid_query");
      }
    });
  }

  @Test
  @DisplayName("In the SQL for ClickHouse and DuckDB, every user string stays inside a string literal: outside literals a hostile query's SQL is its harmless twin's")
  void userStringsStayInLiterals() {
    AtomicInteger compiled = new AtomicInteger();
    AtomicInteger tried = new AtomicInteger();
    Fuzz.forAll(150, HostileQueries.queries(SITE, HostileInput.strings()), template -> {
      tried.incrementAndGet();
      Query query;
      try {
        query = parser.parse(template.body());
      } catch (HttpFailure refused) {
        return; // the parser's property above covers refusals
      }
      Query twin = parser.parse(template.twin());
      for (SqlDialect dialect : SqlDialect.values()) {
        List<String> hostile = statements(dialect, query);
        List<String> harmless = statements(dialect, twin);
        assertThat(hostile).as("%s statements", dialect).hasSameSizeAs(harmless).isNotEmpty();
        for (int i = 0; i < hostile.size(); i++) {
          assertThat(SqlText.lex(dialect, hostile.get(i)).outside()).as("%s statement %d", dialect, i)
              .isEqualTo(SqlText.lex(dialect, harmless.get(i)).outside());
        }
      }
      compiled.incrementAndGet();
    });
    // Most generated queries are valid, or the property would hold by never being tested.
    assertThat(compiled.get()).as("queries compiled of %d", tried.get()).isGreaterThan(tried.get() / 4);
  }

  @Test
  @DisplayName("The literal lexer reads each store's escapes back to the value the escaping function was given")
  void lexerReadsEscapedValues() {
    Fuzz.forAll(500, HostileInput.storableStrings().map(s -> s.replace("\0", "")), value -> {
      for (SqlDialect dialect : SqlDialect.values()) {
        SqlText.Lexed lexed = SqlText.lex(dialect, "SELECT " + SqlLiterals.quote(dialect, value) + " AS v");
        assertThat(lexed.literals()).containsExactly(value);
        assertThat(lexed.outside()).isEqualTo("SELECT '?' AS v");
      }
    });
  }

  /** Every statement the stats service sends for the query, against a store that answers no rows. */
  private static List<String> statements(SqlDialect dialect, Query query) throws Exception {
    RecordingStore store = new RecordingStore(dialect);
    StatsService service = new StatsService(store, new InMemoryQueryCache(Clock.systemUTC(), 10),
        new SimpleMeterRegistry(), Clock.fixed(NOW, ZoneOffset.UTC));
    service.query(query, query.siteId(), ZONE).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return store.statements;
  }

  /** Records the SQL it is sent and answers no rows (one zero for a row count). */
  private static final class RecordingStore implements EventStore {
    final List<String> statements = new ArrayList<>();
    private final SqlDialect dialect;
    private final ReadView view;

    RecordingStore(SqlDialect dialect) {
      this.dialect = dialect;
      this.view = (table, site, from, to, columns, condition) -> "(SELECT " + String.join(", ", columns) + " FROM "
          + table.tableName() + " WHERE site = " + SqlLiterals.quote(dialect, site) + " AND timestamp_ms >= "
          + from.toEpochMilli() + " AND timestamp_ms < " + to.toEpochMilli()
          + (condition == null ? "" : " AND (" + condition + ")") + ")";
    }

    @Override
    public synchronized Future<QueryResult> query(Function<ReadView, String> statement) {
      String sql = statement.apply(view);
      statements.add(sql);
      return Future.succeededFuture(sql.startsWith("SELECT count(*) AS n FROM (")
          ? new QueryResult(List.of("n"), List.of(List.of(0L)))
          : new QueryResult(List.of(), List.of()));
    }

    @Override public SqlDialect dialect() { return dialect; }
    @Override public Future<Void> migrate() { return Future.succeededFuture(); }
    @Override public Future<Void> insert(List<Event> events) { return Future.succeededFuture(); }
    @Override public Future<Void> deleteSite(String site) { return Future.succeededFuture(); }
    @Override public Future<List<io.trackflow.core.session.StoredSession>> openSessions(long from, long to) {
      return Future.succeededFuture(List.of());
    }
    @Override public Future<Void> close() { return Future.succeededFuture(); }
  }
}
