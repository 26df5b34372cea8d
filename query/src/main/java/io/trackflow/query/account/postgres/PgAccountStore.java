package io.trackflow.query.account.postgres;

import io.trackflow.query.account.AccountConflictException;
import io.trackflow.query.account.AccountSchema;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.ApiKey;
import io.trackflow.query.account.Funnel;
import io.trackflow.query.account.Goal;
import io.trackflow.query.account.GoalInUseException;
import io.trackflow.query.account.Invitation;
import io.trackflow.query.account.Member;
import io.trackflow.query.account.RefreshToken;
import io.trackflow.query.account.ShareLink;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.SiteChange;
import io.trackflow.query.account.SiteMembership;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.account.SiteImport;
import io.trackflow.query.account.SiteUpdate;
import io.trackflow.query.account.User;
import io.trackflow.query.account.UserRemoval;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Account store in PostgreSQL (cluster), fully non-blocking through vertx-pg-client. Site
 * changes by any process reach every process's listeners through {@code LISTEN/NOTIFY}: a
 * row trigger on {@code sites} notifies with the operation and domain, and a {@link PgSubscriber}
 * (reconnecting) listens.
 */
public final class PgAccountStore implements AccountStore {

  private static final Logger log = LoggerFactory.getLogger(PgAccountStore.class);
  /** Serialises migrations of replicas starting at once. */
  private static final long MIGRATION_LOCK = 0x7472_6163_6b66L;

  private final Vertx vertx;
  private final PgConnectOptions connectOptions;
  private final Pool pool;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private PgSubscriber subscriber;

  private record Listener(Context context, Consumer<SiteChange> action) {}

  public PgAccountStore(Vertx vertx, String url, int poolSize) {
    this.vertx = vertx;
    this.connectOptions = PgConnectOptions.fromUri(url);
    this.pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize).setName("trackflow-accounts"))
        .connectingTo(connectOptions)
        .using(vertx)
        .build();
  }

  /** Connects, migrates and returns the store. */
  public static Future<PgAccountStore> open(Vertx vertx, String url, int poolSize) {
    PgAccountStore store = new PgAccountStore(vertx, url, poolSize);
    return store.migrate().map(store);
  }

  // ---- schema

  @Override
  public Future<Void> migrate() {
    return pool.withTransaction(c -> c.query("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")").execute()
        .compose(r -> c.query(AccountSchema.CREATE_MIGRATIONS_TABLE).execute())
        .compose(r -> c.query("SELECT version FROM schema_migrations").execute())
        .compose(rows -> {
          List<Integer> applied = new ArrayList<>();
          rows.forEach(row -> applied.add(row.getInteger(0)));
          Future<Void> chain = Future.succeededFuture();
          for (AccountSchema.Migration m : AccountSchema.postgres()) {
            if (applied.contains(m.version())) {
              continue;
            }
            for (String sql : m.statements()) {
              chain = chain.compose(v -> c.query(sql).execute().mapEmpty());
            }
            chain = chain.compose(v -> c.preparedQuery(
                    "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)")
                .execute(Tuple.of(m.version(), m.description(), System.currentTimeMillis())).mapEmpty());
          }
          return chain;
        }));
  }

  @Override
  public Future<List<Integer>> appliedMigrations() {
    return list(pool, "SELECT version FROM schema_migrations ORDER BY version", Tuple.tuple(), r -> r.getInteger(0));
  }

  // ---- users

  @Override
  public Future<User> createUser(String email, String passwordHash, boolean instanceAdmin) {
    return one(pool, "INSERT INTO users (email, password_hash, instance_admin, created_at) VALUES ($1, $2, $3, $4) "
            + "RETURNING id, email, password_hash, instance_admin, created_at",
        Tuple.of(email.trim().toLowerCase(Locale.ROOT), passwordHash, instanceAdmin, System.currentTimeMillis()),
        PgAccountStore::user).map(Optional::orElseThrow);
  }

  @Override
  public Future<Optional<User>> findUserByEmail(String email) {
    return one(pool, "SELECT id, email, password_hash, instance_admin, created_at FROM users WHERE email = $1",
        Tuple.of(email.trim().toLowerCase(Locale.ROOT)), PgAccountStore::user);
  }

  @Override
  public Future<Optional<User>> findUser(long id) {
    return one(pool, "SELECT id, email, password_hash, instance_admin, created_at FROM users WHERE id = $1",
        Tuple.of(id), PgAccountStore::user);
  }

  @Override
  public Future<Long> countUsers() {
    return one(pool, "SELECT count(*) FROM users", Tuple.tuple(), r -> r.getLong(0)).map(o -> o.orElse(0L));
  }

  // ---- sites

  @Override
  public Future<Site> createSite(Site site, long ownerId) {
    Site stored = new Site(site.domain().toLowerCase(Locale.ROOT), site.name(), site.timezone(), site.createdAt());
    return pool.withTransaction(c -> update(c, "INSERT INTO sites (domain, name, timezone, created_at) VALUES ($1, $2, $3, $4)",
            Tuple.of(stored.domain(), stored.name(), stored.timezone(), stored.createdAt()))
        .compose(n -> update(c, "INSERT INTO memberships (domain, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
            Tuple.of(stored.domain(), ownerId, SiteRole.OWNER.label(), stored.createdAt())))
        .map(stored))
        .recover(PgAccountStore::translate)
        .onSuccess(s -> sitesChanged(SiteChange.created(s.domain())));
  }

  @Override
  public Future<Optional<Site>> findSite(String domain) {
    return one(pool, "SELECT " + SITE_COLUMNS + " FROM sites WHERE domain = $1",
        Tuple.of(domain.toLowerCase(Locale.ROOT)), PgAccountStore::site);
  }

  @Override
  public Future<List<Site>> listSites() {
    return list(pool, "SELECT " + SITE_COLUMNS + " FROM sites ORDER BY domain", Tuple.tuple(), PgAccountStore::site);
  }

  @Override
  public Future<Optional<Site>> updateSite(String domain, SiteUpdate change) {
    // $4 says whether the retention changes at all ($5 may be NULL: keep everything).
    return one(pool, "UPDATE sites SET name = COALESCE($2, name), timezone = COALESCE($3, timezone), "
            + "retention_days = CASE WHEN $4 THEN $5 ELSE retention_days END, "
            + "privacy_signals = COALESCE($6, privacy_signals) WHERE domain = $1 RETURNING " + SITE_COLUMNS,
        Tuple.of(domain.toLowerCase(Locale.ROOT), change.name(), change.timezone(), change.retention() != null,
            change.retention() == null ? null : change.retention().days(), change.privacySignals()),
        PgAccountStore::site)
        .onSuccess(s -> {
          if (s.isPresent() && change.changesCollection()) {
            sitesChanged(SiteChange.updated(s.get().domain()));
          }
        });
  }

  @Override
  public Future<Boolean> deleteSite(String domain) {
    Tuple d = Tuple.of(domain.toLowerCase(Locale.ROOT));
    return pool.withTransaction(c -> update(c, "DELETE FROM memberships WHERE domain = $1", d)
            .compose(n -> update(c, "DELETE FROM share_links WHERE domain = $1", d))
            .compose(n -> update(c, "DELETE FROM invitations WHERE domain = $1", d))
            .compose(n -> update(c, "DELETE FROM api_key_sites WHERE domain = $1", d))
            .compose(n -> update(c, "DELETE FROM imports WHERE domain = $1", d))
            .compose(n -> update(c, "DELETE FROM funnel_steps WHERE funnel_id IN (SELECT id FROM funnels WHERE domain = $1)", d))
            .compose(n -> update(c, "DELETE FROM funnels WHERE domain = $1", d))
            .compose(n -> update(c, "DELETE FROM goals WHERE domain = $1", d))
            .compose(n -> update(c, "DELETE FROM sites WHERE domain = $1", d))
            .map(n -> n > 0))
        .onSuccess(deleted -> {
          if (deleted) {
            sitesChanged(SiteChange.deleted(d.getString(0)));
          }
        });
  }

  // ---- imports

  private static final String IMPORT_COLUMNS = "id, domain, status, rows_total, rows_done, errors, start_date, "
      + "end_date, created_by, created_at, updated_at, finished_at";

  @Override
  public Future<SiteImport> createImport(String domain, long createdBy, long now) {
    return one(pool, "INSERT INTO imports (domain, status, rows_total, rows_done, errors, created_by, created_at, "
            + "updated_at) VALUES ($1, $2, 0, 0, '[]', $3, $4, $4) RETURNING " + IMPORT_COLUMNS,
        Tuple.of(domain.toLowerCase(Locale.ROOT), SiteImport.Status.RUNNING.label(), createdBy, now),
        PgAccountStore::siteImport).map(Optional::orElseThrow);
  }

  @Override
  public Future<Boolean> updateImport(SiteImport s) {
    return update(pool, "UPDATE imports SET status = $1, rows_total = $2, rows_done = $3, errors = $4, "
            + "start_date = $5, end_date = $6, updated_at = $7, finished_at = $8 WHERE domain = $9 AND id = $10",
        Tuple.from(java.util.Arrays.asList(s.status().label(), s.rowsTotal(), s.rowsDone(), s.errorsJson(),
            isoDate(s.startDate()), isoDate(s.endDate()), s.updatedAt(), s.finishedAt(), s.domain(), s.id())))
        .map(n -> n > 0);
  }

  @Override
  public Future<Optional<SiteImport>> findImport(String domain, long id) {
    return one(pool, "SELECT " + IMPORT_COLUMNS + " FROM imports WHERE domain = $1 AND id = $2",
        Tuple.of(domain.toLowerCase(Locale.ROOT), id), PgAccountStore::siteImport);
  }

  @Override
  public Future<List<SiteImport>> imports(String domain) {
    return list(pool, "SELECT " + IMPORT_COLUMNS + " FROM imports WHERE domain = $1 ORDER BY id DESC",
        Tuple.of(domain.toLowerCase(Locale.ROOT)), PgAccountStore::siteImport);
  }

  @Override
  public Future<Boolean> deleteImport(String domain, long id) {
    return update(pool, "DELETE FROM imports WHERE domain = $1 AND id = $2", Tuple.of(domain.toLowerCase(Locale.ROOT), id))
        .map(n -> n > 0);
  }

  private static String isoDate(java.time.LocalDate date) {
    return date == null ? null : date.toString();
  }

  private static java.time.LocalDate date(String iso) {
    return iso == null ? null : java.time.LocalDate.parse(iso);
  }

  private static SiteImport siteImport(Row r) {
    return new SiteImport(r.getLong(0), r.getString(1), SiteImport.Status.parse(r.getString(2)), r.getLong(3),
        r.getLong(4), SiteImport.parseErrors(r.getString(5)), date(r.getString(6)), date(r.getString(7)), r.getLong(8),
        r.getLong(9), r.getLong(10), r.getLong(11));
  }

  private static final String SITE_COLUMNS = "domain, name, timezone, created_at, retention_days, privacy_signals";
  private static final String MEMBERSHIP_SELECT = "SELECT s.domain, s.name, s.timezone, s.created_at, "
      + "s.retention_days, s.privacy_signals, m.role FROM sites s JOIN memberships m ON m.domain = s.domain ";

  @Override
  public Future<List<SiteMembership>> sitesOf(long userId) {
    return list(pool, MEMBERSHIP_SELECT + "WHERE m.user_id = $1 ORDER BY s.domain", Tuple.of(userId), PgAccountStore::membership);
  }

  @Override
  public Future<Optional<SiteMembership>> membership(long userId, String domain) {
    return one(pool, MEMBERSHIP_SELECT + "WHERE m.user_id = $1 AND s.domain = $2",
        Tuple.of(userId, domain.toLowerCase(Locale.ROOT)), PgAccountStore::membership);
  }

  private static final String MEMBER_SELECT =
      "SELECT m.domain, m.user_id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id ";

  @Override
  public Future<List<Member>> members(String domain) {
    return list(pool, MEMBER_SELECT + "WHERE m.domain = $1 ORDER BY u.email", Tuple.of(domain.toLowerCase(Locale.ROOT)),
        PgAccountStore::member);
  }

  @Override
  public Future<Member> putMember(String domain, long userId, SiteRole role) {
    String d = domain.toLowerCase(Locale.ROOT);
    return pool.withTransaction(c -> update(c,
            "INSERT INTO memberships (domain, user_id, role, created_at) VALUES ($1, $2, $3, $4) "
                + "ON CONFLICT (domain, user_id) DO UPDATE SET role = EXCLUDED.role",
            Tuple.of(d, userId, role.label(), System.currentTimeMillis()))
        .compose(n -> one(c, MEMBER_SELECT + "WHERE m.domain = $1 AND m.user_id = $2", Tuple.of(d, userId), PgAccountStore::member))
        .map(Optional::orElseThrow))
        .recover(PgAccountStore::translate);
  }

  @Override
  public Future<Boolean> removeMember(String domain, long userId) {
    return update(pool, "DELETE FROM memberships WHERE domain = $1 AND user_id = $2",
        Tuple.of(domain.toLowerCase(Locale.ROOT), userId)).map(n -> n > 0);
  }

  // ---- share links

  private static final String SHARE_COLUMNS = "id, domain, label, created_by, created_at, password_hash, expires_at";

  @Override
  public Future<ShareLink> createShareLink(String domain, String tokenHash, String label, long createdBy,
      String passwordHash, Long expiresAt) {
    return one(pool, "INSERT INTO share_links (domain, token_hash, label, created_by, created_at, password_hash, expires_at) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + SHARE_COLUMNS,
        Tuple.of(domain.toLowerCase(Locale.ROOT), tokenHash, label, createdBy, System.currentTimeMillis(), passwordHash,
            expiresAt),
        PgAccountStore::share).map(Optional::orElseThrow);
  }

  @Override
  public Future<List<ShareLink>> shareLinks(String domain) {
    return list(pool, "SELECT " + SHARE_COLUMNS + " FROM share_links WHERE domain = $1 ORDER BY id",
        Tuple.of(domain.toLowerCase(Locale.ROOT)), PgAccountStore::share);
  }

  @Override
  public Future<Optional<ShareLink>> findShareLink(String tokenHash) {
    return one(pool, "SELECT " + SHARE_COLUMNS + " FROM share_links WHERE token_hash = $1", Tuple.of(tokenHash),
        PgAccountStore::share);
  }

  @Override
  public Future<Boolean> deleteShareLink(String domain, long id) {
    return update(pool, "DELETE FROM share_links WHERE domain = $1 AND id = $2",
        Tuple.of(domain.toLowerCase(Locale.ROOT), id)).map(n -> n > 0);
  }

  // ---- API keys

  @Override
  public Future<ApiKey> createApiKey(long userId, String name, String prefix, String keyHash, List<String> sites) {
    long now = System.currentTimeMillis();
    List<String> domains = sites.stream().map(s -> s.toLowerCase(Locale.ROOT)).distinct().sorted().toList();
    return pool.withTransaction(c -> one(c,
            "INSERT INTO api_keys (user_id, name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            Tuple.of(userId, name, prefix, keyHash, now), r -> r.getLong(0))
        .compose(id -> {
          Future<Integer> chain = Future.succeededFuture(0);
          for (String domain : domains) {
            chain = chain.compose(n -> update(c, "INSERT INTO api_key_sites (key_id, domain) VALUES ($1, $2)",
                Tuple.of(id.orElseThrow(), domain)));
          }
          return chain.map(n -> new ApiKey(id.orElseThrow(), userId, name, prefix, domains, now, null));
        }))
        .recover(PgAccountStore::translate);
  }

  @Override
  public Future<List<ApiKey>> apiKeys(long userId) {
    return keys("k.user_id = $1", Tuple.of(userId));
  }

  @Override
  public Future<Optional<ApiKey>> findApiKey(String keyHash) {
    return keys("k.key_hash = $1", Tuple.of(keyHash)).map(l -> l.stream().findFirst());
  }

  private Future<List<ApiKey>> keys(String where, Tuple args) {
    return pool.preparedQuery("SELECT k.id, k.user_id, k.name, k.prefix, k.created_at, s.domain, k.last_used_at FROM api_keys k "
            + "LEFT JOIN api_key_sites s ON s.key_id = k.id WHERE " + where + " ORDER BY k.id, s.domain")
        .execute(args)
        .map(rows -> {
          Map<Long, ApiKey> byId = new LinkedHashMap<>();
          Map<Long, List<String>> sites = new LinkedHashMap<>();
          for (Row r : rows) {
            long id = r.getLong(0);
            byId.putIfAbsent(id, new ApiKey(id, r.getLong(1), r.getString(2), r.getString(3), List.of(), r.getLong(4),
                r.getLong(6)));
            List<String> domains = sites.computeIfAbsent(id, k -> new ArrayList<>());
            if (r.getString(5) != null) {
              domains.add(r.getString(5));
            }
          }
          List<ApiKey> result = new ArrayList<>();
          byId.forEach((id, k) -> result.add(new ApiKey(id, k.userId(), k.name(), k.prefix(), sites.get(id), k.createdAt(),
              k.lastUsedAt())));
          return result;
        });
  }

  @Override
  public Future<Boolean> deleteApiKey(long userId, long id) {
    return pool.withTransaction(c -> update(c, "DELETE FROM api_keys WHERE user_id = $1 AND id = $2", Tuple.of(userId, id))
        .compose(n -> n == 0
            ? Future.succeededFuture(false)
            : update(c, "DELETE FROM api_key_sites WHERE key_id = $1", Tuple.of(id)).map(x -> true)));
  }

  @Override
  public Future<Void> touchApiKey(long id, long now) {
    return update(pool, "UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)",
        Tuple.of(id, now, now - KEY_USE_RESOLUTION_MS)).mapEmpty();
  }

  // ---- goals and funnels

  private static final String GOAL_COLUMNS =
      "id, domain, display_name, event_name, page_path, currency, created_at";

  @Override
  public Future<List<Goal>> goals(String domain) {
    return list(pool, "SELECT " + GOAL_COLUMNS + " FROM goals WHERE domain = $1 ORDER BY id",
        Tuple.of(domain.toLowerCase(Locale.ROOT)), PgAccountStore::goal);
  }

  @Override
  public Future<Goal> createGoal(Goal g) {
    return one(pool, "INSERT INTO goals (domain, display_name, event_name, page_path, currency, created_at) "
            + "VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + GOAL_COLUMNS,
        Tuple.of(g.domain().toLowerCase(Locale.ROOT), g.displayName(), Objects.requireNonNullElse(g.eventName(), ""),
            Objects.requireNonNullElse(g.pagePath(), ""), Objects.requireNonNullElse(g.currency(), ""),
            System.currentTimeMillis()),
        PgAccountStore::goal).map(Optional::orElseThrow);
  }

  @Override
  public Future<Boolean> deleteGoal(String domain, long id) {
    Tuple args = Tuple.of(domain.toLowerCase(Locale.ROOT), id);
    return pool.withTransaction(c -> list(c, "SELECT DISTINCT f.name FROM funnels f JOIN funnel_steps s ON s.funnel_id = f.id "
            + "WHERE f.domain = $1 AND s.goal_id = $2 ORDER BY f.name", args, r -> r.getString(0))
        .compose(users -> users.isEmpty()
            ? update(c, "DELETE FROM goals WHERE domain = $1 AND id = $2", args).map(n -> n > 0)
            : Future.failedFuture(new GoalInUseException(users))));
  }

  @Override
  public Future<List<Funnel>> funnels(String domain) {
    Tuple d = Tuple.of(domain.toLowerCase(Locale.ROOT));
    return pool.withConnection(c -> list(c, "SELECT " + GOAL_COLUMNS + " FROM goals WHERE domain = $1", d, PgAccountStore::goal)
        .compose(goals -> list(c, "SELECT s.funnel_id, s.goal_id FROM funnel_steps s JOIN funnels f ON f.id = s.funnel_id "
                + "WHERE f.domain = $1 ORDER BY s.funnel_id, s.step", d, r -> new long[] {r.getLong(0), r.getLong(1)})
            .compose(pairs -> {
              Map<Long, Goal> byId = new LinkedHashMap<>();
              goals.forEach(g -> byId.put(g.id(), g));
              Map<Long, List<Goal>> steps = new LinkedHashMap<>();
              for (long[] pair : pairs) {
                Goal goal = byId.get(pair[1]);
                if (goal != null) {
                  steps.computeIfAbsent(pair[0], k -> new ArrayList<>()).add(goal);
                }
              }
              return list(c, "SELECT id, domain, name, created_at FROM funnels WHERE domain = $1 ORDER BY id", d,
                  r -> new Funnel(r.getLong(0), r.getString(1), r.getString(2),
                      steps.getOrDefault(r.getLong(0), List.of()), r.getLong(3)));
            })));
  }

  @Override
  public Future<Funnel> createFunnel(String domain, String name, List<Long> goalIds) {
    String d = domain.toLowerCase(Locale.ROOT);
    long now = System.currentTimeMillis();
    return pool.withTransaction(c -> one(c, "INSERT INTO funnels (domain, name, created_at) VALUES ($1, $2, $3) RETURNING id",
            Tuple.of(d, name, now), r -> r.getLong(0))
        .compose(id -> {
          List<Goal> steps = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (long goalId : goalIds) {
            chain = chain
                .compose(v -> one(c, "SELECT " + GOAL_COLUMNS + " FROM goals WHERE domain = $1 AND id = $2",
                    Tuple.of(d, goalId), PgAccountStore::goal))
                .compose(goal -> goal.isEmpty()
                    ? Future.failedFuture(new AccountConflictException("goal " + goalId + " no longer exists"))
                    : Future.succeededFuture(steps.add(goal.get())))
                .compose(added -> update(c, "INSERT INTO funnel_steps (funnel_id, step, goal_id) VALUES ($1, $2, $3)",
                    Tuple.of(id.orElseThrow(), steps.size(), goalId)))
                .mapEmpty();
          }
          return chain.map(v -> new Funnel(id.orElseThrow(), d, name, steps, now));
        }));
  }

  @Override
  public Future<Boolean> deleteFunnel(String domain, long id) {
    return pool.withTransaction(c -> update(c, "DELETE FROM funnels WHERE domain = $1 AND id = $2",
            Tuple.of(domain.toLowerCase(Locale.ROOT), id))
        .compose(n -> n == 0
            ? Future.succeededFuture(false)
            : update(c, "DELETE FROM funnel_steps WHERE funnel_id = $1", Tuple.of(id)).map(x -> true)));
  }

  // ---- sign-in state

  private static final String INSERT_REFRESH =
      "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at, used, created_at) VALUES ($1, $2, $3, $4, false, $5)";

  @Override
  public Future<Void> storeRefreshToken(RefreshToken t) {
    return update(pool, INSERT_REFRESH, Tuple.of(t.tokenHash(), t.userId(), t.family(), t.expiresAt(), t.createdAt()))
        .recover(PgAccountStore::translate)
        .mapEmpty();
  }

  @Override
  public Future<Optional<RefreshToken>> rotateRefreshToken(String tokenHash, String newTokenHash, long newExpiresAt, long now) {
    record Current(RefreshToken token, boolean used) {}
    return pool.withTransaction(c -> one(c,
            "SELECT token_hash, user_id, family, expires_at, created_at, used FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE",
            Tuple.of(tokenHash), r -> new Current(refresh(r), r.getBoolean(5)))
        .compose(found -> {
          if (found.isEmpty()) {
            return Future.succeededFuture(Optional.<RefreshToken>empty());
          }
          RefreshToken old = found.get().token();
          if (found.get().used()) {
            return update(c, "DELETE FROM refresh_tokens WHERE family = $1", Tuple.of(old.family()))
                .map(n -> Optional.<RefreshToken>empty());
          }
          if (old.expiresAt() <= now) {
            return Future.succeededFuture(Optional.<RefreshToken>empty());
          }
          RefreshToken next = new RefreshToken(newTokenHash, old.userId(), old.family(), newExpiresAt, now);
          return update(c, "UPDATE refresh_tokens SET used = true WHERE token_hash = $1", Tuple.of(tokenHash))
              .compose(n -> update(c, INSERT_REFRESH,
                  Tuple.of(next.tokenHash(), next.userId(), next.family(), next.expiresAt(), next.createdAt())))
              .map(n -> Optional.of(next));
        }));
  }

  @Override
  public Future<Void> revokeRefreshToken(String tokenHash) {
    return update(pool, "DELETE FROM refresh_tokens WHERE family IN (SELECT family FROM refresh_tokens WHERE token_hash = $1)",
        Tuple.of(tokenHash)).mapEmpty();
  }

  @Override
  public Future<Void> revokeAccessToken(String jti, long expiresAt) {
    return update(pool, "INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2) "
        + "ON CONFLICT (jti) DO UPDATE SET expires_at = EXCLUDED.expires_at", Tuple.of(jti, expiresAt)).mapEmpty();
  }

  @Override
  public Future<Boolean> isAccessTokenRevoked(String jti) {
    return one(pool, "SELECT 1 FROM revoked_tokens WHERE jti = $1", Tuple.of(jti), r -> true).map(Optional::isPresent);
  }

  @Override
  public Future<Void> purgeExpired(long now) {
    return update(pool, "DELETE FROM revoked_tokens WHERE expires_at <= $1", Tuple.of(now))
        .compose(n -> update(pool, "DELETE FROM refresh_tokens WHERE expires_at <= $1", Tuple.of(now)))
        .mapEmpty();
  }

  // ---- team

  private static final long KEY_USE_RESOLUTION_MS = 60_000L;
  /** Serialises first-user creation across replicas: only one may find the table empty. */
  private static final long FIRST_USER_LOCK = 0x7472_6163_6b67L;
  private static final String USER_COLUMNS = "id, email, password_hash, instance_admin, created_at";
  private static final String INVITATION_COLUMNS =
      "id, domain, email, role, invited_by, created_at, expires_at, accepted_at";

  @Override
  public Future<Optional<User>> createFirstUser(String email, String passwordHash) {
    return pool.withTransaction(c -> c.query("SELECT pg_advisory_xact_lock(" + FIRST_USER_LOCK + ")").execute()
        .compose(r -> one(c, "INSERT INTO users (email, password_hash, instance_admin, created_at) "
                + "SELECT $1, $2, true, $3 WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING " + USER_COLUMNS,
            Tuple.of(email.trim().toLowerCase(Locale.ROOT), passwordHash, System.currentTimeMillis()), PgAccountStore::user)));
  }

  @Override
  public Future<List<User>> listUsers() {
    return list(pool, "SELECT " + USER_COLUMNS + " FROM users ORDER BY email", Tuple.tuple(), PgAccountStore::user);
  }

  @Override
  public Future<UserRemoval> deleteUser(long userId, Optional<Long> newOwner) {
    Tuple id = Tuple.of(userId);
    return pool.withTransaction(c -> one(c, "SELECT 1 FROM users WHERE id = $1 FOR UPDATE", id, r -> true)
        .compose(found -> {
          if (found.isEmpty()) {
            return Future.succeededFuture(UserRemoval.NOT_FOUND);
          }
          return list(c, "SELECT domain FROM memberships WHERE user_id = $1 AND role = $2 ORDER BY domain",
              Tuple.of(userId, SiteRole.OWNER.label()), r -> r.getString(0))
              .compose(owned -> {
                if (!owned.isEmpty() && newOwner.isEmpty()) {
                  return Future.succeededFuture(new UserRemoval(true, owned));
                }
                Future<Integer> chain = Future.succeededFuture(0);
                for (String domain : owned) {
                  chain = chain.compose(n -> setRole(c, domain, newOwner.orElseThrow(), SiteRole.OWNER));
                }
                return chain
                    .compose(n -> update(c, "DELETE FROM memberships WHERE user_id = $1", id))
                    .compose(n -> update(c, "DELETE FROM api_key_sites WHERE key_id IN (SELECT id FROM api_keys WHERE user_id = $1)", id))
                    .compose(n -> update(c, "DELETE FROM api_keys WHERE user_id = $1", id))
                    .compose(n -> update(c, "DELETE FROM refresh_tokens WHERE user_id = $1", id))
                    .compose(n -> update(c, "DELETE FROM users WHERE id = $1", id))
                    .map(n -> UserRemoval.DELETED);
              });
        }));
  }

  private static Future<Integer> setRole(SqlClient c, String domain, long userId, SiteRole role) {
    return update(c, "INSERT INTO memberships (domain, user_id, role, created_at) VALUES ($1, $2, $3, $4) "
        + "ON CONFLICT (domain, user_id) DO UPDATE SET role = EXCLUDED.role",
        Tuple.of(domain, userId, role.label(), System.currentTimeMillis()));
  }

  @Override
  public Future<Boolean> updatePassword(long userId, String passwordHash) {
    return update(pool, "UPDATE users SET password_hash = $2 WHERE id = $1", Tuple.of(userId, passwordHash)).map(n -> n > 0);
  }

  @Override
  public Future<Void> revokeSessions(long userId, long cutoff) {
    return pool.withTransaction(c -> update(c, "UPDATE users SET sessions_revoked_at = $2 WHERE id = $1", Tuple.of(userId, cutoff))
        .compose(n -> update(c, "DELETE FROM refresh_tokens WHERE user_id = $1", Tuple.of(userId))))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> isSessionRevoked(long userId, String jti, long issuedAt) {
    return one(pool, "SELECT u.sessions_revoked_at, EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $1) "
            + "FROM users u WHERE u.id = $2", Tuple.of(jti, userId),
        r -> {
          Long cutoff = r.getLong(0);
          return r.getBoolean(1) || cutoff != null && issuedAt < cutoff;
        })
        .map(revoked -> revoked.orElse(true));
  }

  @Override
  public Future<Boolean> transferOwnership(String domain, long newOwnerId) {
    String d = domain.toLowerCase(Locale.ROOT);
    return pool.withTransaction(c -> one(c, "SELECT 1 FROM memberships WHERE domain = $1 AND user_id = $2 FOR UPDATE",
            Tuple.of(d, newOwnerId), r -> true)
        .compose(member -> member.isEmpty()
            ? Future.succeededFuture(false)
            : update(c, "UPDATE memberships SET role = $3 WHERE domain = $1 AND role = $4 AND user_id <> $2",
                    Tuple.of(d, newOwnerId, SiteRole.ADMIN.label(), SiteRole.OWNER.label()))
                .compose(n -> update(c, "UPDATE memberships SET role = $3 WHERE domain = $1 AND user_id = $2",
                    Tuple.of(d, newOwnerId, SiteRole.OWNER.label())))
                .map(n -> true)));
  }

  @Override
  public Future<Invitation> createInvitation(String domain, String email, SiteRole role, String tokenHash,
      long invitedBy, long expiresAt) {
    String d = domain.toLowerCase(Locale.ROOT);
    String e = email.trim().toLowerCase(Locale.ROOT);
    return pool.withTransaction(c -> update(c, "DELETE FROM invitations WHERE domain = $1 AND email = $2 AND accepted_at IS NULL",
            Tuple.of(d, e))
        .compose(n -> one(c, "INSERT INTO invitations (domain, email, role, token_hash, invited_by, created_at, expires_at) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + INVITATION_COLUMNS,
            Tuple.of(d, e, role.label(), tokenHash, invitedBy, System.currentTimeMillis(), expiresAt),
            PgAccountStore::invitation))
        .map(Optional::orElseThrow))
        .recover(PgAccountStore::translate);
  }

  @Override
  public Future<List<Invitation>> invitations(String domain) {
    return list(pool, "SELECT " + INVITATION_COLUMNS + " FROM invitations WHERE domain = $1 AND accepted_at IS NULL ORDER BY id",
        Tuple.of(domain.toLowerCase(Locale.ROOT)), PgAccountStore::invitation);
  }

  @Override
  public Future<Optional<Invitation>> findInvitation(String tokenHash) {
    return one(pool, "SELECT " + INVITATION_COLUMNS + " FROM invitations WHERE token_hash = $1", Tuple.of(tokenHash),
        PgAccountStore::invitation);
  }

  @Override
  public Future<Boolean> deleteInvitation(String domain, long id) {
    return update(pool, "DELETE FROM invitations WHERE domain = $1 AND id = $2 AND accepted_at IS NULL",
        Tuple.of(domain.toLowerCase(Locale.ROOT), id)).map(n -> n > 0);
  }

  @Override
  public Future<Optional<Member>> acceptInvitation(String tokenHash, long userId, long now) {
    return pool.withTransaction(c -> accept(c, tokenHash, now, invitation -> Future.succeededFuture(userId)));
  }

  @Override
  public Future<Optional<Member>> acceptInvitationAsNewUser(String tokenHash, String passwordHash, long now) {
    return pool.withTransaction(c -> accept(c, tokenHash, now, invitation -> one(c,
            "INSERT INTO users (email, password_hash, instance_admin, created_at) VALUES ($1, $2, false, $3) RETURNING id",
            Tuple.of(invitation.email(), passwordHash, now), r -> r.getLong(0))
        .map(Optional::orElseThrow)))
        .recover(PgAccountStore::translate);
  }

  /** Locks the pending invitation row, so a concurrent acceptance waits and then finds it accepted. */
  private static Future<Optional<Member>> accept(SqlClient c, String tokenHash, long now,
      Function<Invitation, Future<Long>> invitee) {
    return one(c, "SELECT " + INVITATION_COLUMNS + " FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL "
            + "AND expires_at > $2 FOR UPDATE", Tuple.of(tokenHash, now), PgAccountStore::invitation)
        .compose(found -> {
          if (found.isEmpty()) {
            return Future.succeededFuture(Optional.<Member>empty());
          }
          Invitation invitation = found.get();
          return invitee.apply(invitation).compose(userId -> update(c, "UPDATE invitations SET accepted_at = $2 WHERE id = $1",
                  Tuple.of(invitation.id(), now))
              .compose(n -> one(c, "SELECT role FROM memberships WHERE domain = $1 AND user_id = $2",
                  Tuple.of(invitation.domain(), userId), r -> SiteRole.parse(r.getString(0)).orElse(SiteRole.VIEWER)))
              .compose(current -> current.isPresent() && current.get().atLeast(invitation.role())
                  ? Future.succeededFuture(0)
                  : setRole(c, invitation.domain(), userId, invitation.role()))
              .compose(n -> one(c, MEMBER_SELECT + "WHERE m.domain = $1 AND m.user_id = $2",
                  Tuple.of(invitation.domain(), userId), PgAccountStore::member)));
        });
  }

  // ---- change notification

  @Override
  public synchronized void onSitesChanged(Consumer<SiteChange> listener) {
    listeners.add(new Listener(vertx.getOrCreateContext(), listener));
    if (subscriber == null) {
      subscriber = PgSubscriber.subscriber(vertx, connectOptions)
          // Keep listening through PostgreSQL restarts; the collectors' periodic refresh covers the gap.
          .reconnectPolicy(attempt -> 1_000L);
      subscriber.channel(AccountSchema.SITES_CHANNEL)
          .subscribeHandler(v -> sitesChanged(SiteChange.UNKNOWN))
          .handler(payload -> sitesChanged(notified(payload)));
      subscriber.connect().onFailure(e -> log.warn("Cannot LISTEN for site changes yet: {}", e.getMessage()));
    }
  }

  private void sitesChanged(SiteChange change) {
    listeners.forEach(l -> l.context().runOnContext(v -> l.action().accept(change)));
  }

  /** The trigger's payload is {@code OPERATION:domain}; anything else says only that sites changed. */
  static SiteChange notified(String payload) {
    int colon = payload == null ? -1 : payload.indexOf(':');
    if (colon < 0) {
      return SiteChange.UNKNOWN;
    }
    String domain = payload.substring(colon + 1);
    return switch (payload.substring(0, colon)) {
      case "INSERT" -> SiteChange.created(domain);
      case "UPDATE" -> SiteChange.updated(domain);
      case "DELETE" -> SiteChange.deleted(domain);
      default -> SiteChange.UNKNOWN;
    };
  }

  @Override
  public Future<Void> close() {
    PgSubscriber s;
    synchronized (this) {
      s = subscriber;
      subscriber = null;
    }
    Future<Void> closing = s == null ? Future.succeededFuture() : s.close();
    return closing.eventually(pool::close);
  }

  // ---- helpers

  private static <T> Future<T> translate(Throwable e) {
    if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return Future.failedFuture(new AccountConflictException("already exists"));
    }
    return Future.failedFuture(e);
  }

  private static Future<Integer> update(SqlClient client, String sql, Tuple args) {
    return client.preparedQuery(sql).execute(args).map(RowSet::rowCount);
  }

  private static <T> Future<Optional<T>> one(SqlClient client, String sql, Tuple args, Function<Row, T> mapper) {
    return client.preparedQuery(sql).execute(args)
        .recover(PgAccountStore::translate)
        .map(rows -> {
          var it = rows.iterator();
          return it.hasNext() ? Optional.of(mapper.apply(it.next())) : Optional.<T>empty();
        });
  }

  private static <T> Future<List<T>> list(SqlClient client, String sql, Tuple args, Function<Row, T> mapper) {
    return client.preparedQuery(sql).execute(args).map(rows -> {
      List<T> out = new ArrayList<>();
      rows.forEach(r -> out.add(mapper.apply(r)));
      return out;
    });
  }

  private static User user(Row r) {
    return new User(r.getLong(0), r.getString(1), r.getString(2), r.getBoolean(3), r.getLong(4));
  }

  private static Site site(Row r) {
    return new Site(r.getString(0), r.getString(1), r.getString(2), r.getLong(3), r.getInteger(4), r.getBoolean(5));
  }

  private static SiteMembership membership(Row r) {
    return new SiteMembership(site(r), SiteRole.parse(r.getString(6)).orElse(SiteRole.VIEWER));
  }

  private static Member member(Row r) {
    return new Member(r.getString(0), r.getLong(1), r.getString(2), SiteRole.parse(r.getString(3)).orElse(SiteRole.VIEWER),
        r.getLong(4));
  }

  private static ShareLink share(Row r) {
    return new ShareLink(r.getLong(0), r.getString(1), r.getString(2), r.getLong(3), r.getLong(4), r.getString(5),
        r.getLong(6));
  }

  private static Invitation invitation(Row r) {
    return new Invitation(r.getLong(0), r.getString(1), r.getString(2), SiteRole.parse(r.getString(3)).orElse(SiteRole.VIEWER),
        r.getLong(4), r.getLong(5), r.getLong(6), r.getLong(7));
  }

  private static Goal goal(Row r) {
    return new Goal(r.getLong(0), r.getString(1), r.getString(2), emptyToNull(r.getString(3)),
        emptyToNull(r.getString(4)), emptyToNull(r.getString(5)), r.getLong(6));
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static RefreshToken refresh(Row r) {
    return new RefreshToken(r.getString(0), r.getLong(1), r.getString(2), r.getLong(3), r.getLong(4));
  }
}
