package io.trackflow.query.account.embedded;

import io.trackflow.query.account.AccountConflictException;
import io.trackflow.query.account.AccountSchema;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.ApiKey;
import io.trackflow.query.account.BoundedWorker;
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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;

/**
 * Account store in an embedded DuckDB file (standalone). Every statement runs on a bounded
 * worker pool, never on an event loop; each worker borrows one of a few duplicated connections.
 * Site changes are announced to in-process listeners after the transaction commits.
 */
public final class EmbeddedAccountStore implements AccountStore {

  private final Vertx vertx;
  private final BoundedWorker worker;
  private final DuckDBConnection root;
  private final BlockingQueue<Connection> connections;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  /**
   * Serialises the check-then-write steps that must happen at most once (the first user, accepting
   * an invitation): DuckDB would let two snapshots both see "not yet" and then fail one of them
   * with a write conflict. One process owns the file, so a lock in this process is enough.
   */
  private final Object onceOnly = new Object();

  private record Listener(Context context, Consumer<SiteChange> action) {}

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private EmbeddedAccountStore(Vertx vertx, BoundedWorker worker, DuckDBConnection root, int size)
      throws SQLException {
    this.vertx = vertx;
    this.worker = worker;
    this.root = root;
    this.connections = new ArrayBlockingQueue<>(size);
    for (int i = 0; i < size; i++) {
      connections.add(root.duplicate());
    }
  }

  /** Opens (creating if needed) the DuckDB file on the worker pool and migrates it. */
  public static Future<EmbeddedAccountStore> open(Vertx vertx, Path file, BoundedWorker worker, int connections) {
    return worker.run(() -> {
          java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
          DuckDBConnection root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
          return new EmbeddedAccountStore(vertx, worker, root, connections);
        })
        .compose(store -> store.migrate().map(store));
  }

  private <T> Future<T> read(Work<T> work) {
    return worker.run(() -> {
      Connection c = connections.take();
      try {
        return work.run(c);
      } catch (SQLException e) {
        throw translate(e);
      } finally {
        connections.add(c);
      }
    });
  }

  private <T> Future<T> transaction(Work<T> work) {
    return read(c -> inTransaction(c, work));
  }

  /**
   * A transaction that no other such transaction overlaps, commit included: a second one starts
   * only after the first committed, so its snapshot sees what the first wrote.
   */
  private <T> Future<T> serialTransaction(Work<T> work) {
    return read(c -> {
      synchronized (onceOnly) {
        return inTransaction(c, work);
      }
    });
  }

  private static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static RuntimeException translate(SQLException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("Constraint Error") || message.contains("Duplicate key")) {
      return new AccountConflictException("already exists");
    }
    return new IllegalStateException("account store: " + message, e);
  }

  // ---- schema

  @Override
  public Future<Void> migrate() {
    return transaction(c -> {
      try (Statement s = c.createStatement()) {
        s.execute(AccountSchema.CREATE_MIGRATIONS_TABLE);
      }
      List<Integer> applied = versions(c);
      for (AccountSchema.Migration m : AccountSchema.duckdb()) {
        if (applied.contains(m.version())) {
          continue;
        }
        try (Statement s = c.createStatement()) {
          for (String sql : m.statements()) {
            s.execute(sql);
          }
        }
        update(c, "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
            m.version(), m.description(), System.currentTimeMillis());
      }
      return null;
    });
  }

  @Override
  public Future<List<Integer>> appliedMigrations() {
    return read(EmbeddedAccountStore::versions);
  }

  private static List<Integer> versions(Connection c) throws SQLException {
    List<Integer> versions = new ArrayList<>();
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT version FROM schema_migrations ORDER BY version")) {
      while (rs.next()) {
        versions.add(rs.getInt(1));
      }
    }
    return versions;
  }

  // ---- users

  @Override
  public Future<User> createUser(String email, String passwordHash, boolean instanceAdmin) {
    String normalized = email.trim().toLowerCase(Locale.ROOT);
    long now = System.currentTimeMillis();
    return transaction(c -> one(c,
        "INSERT INTO users (email, password_hash, instance_admin, created_at) VALUES (?, ?, ?, ?) "
            + "RETURNING id, email, password_hash, instance_admin, created_at",
        EmbeddedAccountStore::user, normalized, passwordHash, instanceAdmin, now).orElseThrow());
  }

  @Override
  public Future<Optional<User>> findUserByEmail(String email) {
    return read(c -> one(c, "SELECT id, email, password_hash, instance_admin, created_at FROM users WHERE email = ?",
        EmbeddedAccountStore::user, email.trim().toLowerCase(Locale.ROOT)));
  }

  @Override
  public Future<Optional<User>> findUser(long id) {
    return read(c -> one(c, "SELECT id, email, password_hash, instance_admin, created_at FROM users WHERE id = ?",
        EmbeddedAccountStore::user, id));
  }

  @Override
  public Future<Long> countUsers() {
    return read(c -> one(c, "SELECT count(*) FROM users", rs -> rs.getLong(1)).orElse(0L));
  }

  // ---- sites

  @Override
  public Future<Site> createSite(Site site, long ownerId) {
    Site stored = new Site(site.domain().toLowerCase(Locale.ROOT), site.name(), site.timezone(), site.createdAt());
    return this.<Site>transaction(c -> {
      update(c, "INSERT INTO sites (domain, name, timezone, created_at) VALUES (?, ?, ?, ?)",
          stored.domain(), stored.name(), stored.timezone(), stored.createdAt());
      update(c, "INSERT INTO memberships (domain, user_id, role, created_at) VALUES (?, ?, ?, ?)",
          stored.domain(), ownerId, SiteRole.OWNER.label(), stored.createdAt());
      return stored;
    }).onSuccess(s -> sitesChanged(SiteChange.created(s.domain())));
  }

  @Override
  public Future<Optional<Site>> findSite(String domain) {
    return read(c -> one(c, "SELECT " + SITE_COLUMNS + " FROM sites WHERE domain = ?",
        EmbeddedAccountStore::site, domain.toLowerCase(Locale.ROOT)));
  }

  @Override
  public Future<List<Site>> listSites() {
    return read(c -> list(c, "SELECT " + SITE_COLUMNS + " FROM sites ORDER BY domain",
        EmbeddedAccountStore::site));
  }

  @Override
  public Future<Optional<Site>> updateSite(String domain, SiteUpdate change) {
    String d = domain.toLowerCase(Locale.ROOT);
    return this.<Optional<Site>>transaction(c -> {
      Optional<Site> current = one(c, "SELECT " + SITE_COLUMNS + " FROM sites WHERE domain = ?",
          EmbeddedAccountStore::site, d);
      if (current.isEmpty()) {
        return current;
      }
      Site was = current.get();
      Site next = new Site(d, change.name() == null ? was.name() : change.name(),
          change.timezone() == null ? was.timezone() : change.timezone(), was.createdAt(),
          change.retention() == null ? was.retentionDays() : change.retention().days(),
          change.privacySignals() == null ? was.privacySignals() : change.privacySignals());
      update(c, "UPDATE sites SET name = ?, timezone = ?, retention_days = ?, privacy_signals = ? WHERE domain = ?",
          next.name(), next.timezone(), next.retentionDays(), next.privacySignals(), d);
      return Optional.of(next);
    }).onSuccess(s -> {
      if (s.isPresent() && change.changesCollection()) {
        sitesChanged(SiteChange.updated(d));
      }
    });
  }

  @Override
  public Future<Boolean> deleteSite(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    return this.<Boolean>transaction(c -> {
      update(c, "DELETE FROM memberships WHERE domain = ?", d);
      update(c, "DELETE FROM share_links WHERE domain = ?", d);
      update(c, "DELETE FROM invitations WHERE domain = ?", d);
      update(c, "DELETE FROM api_key_sites WHERE domain = ?", d);
      update(c, "DELETE FROM imports WHERE domain = ?", d);
      update(c, "DELETE FROM funnel_steps WHERE funnel_id IN (SELECT id FROM funnels WHERE domain = ?)", d);
      update(c, "DELETE FROM funnels WHERE domain = ?", d);
      update(c, "DELETE FROM goals WHERE domain = ?", d);
      return update(c, "DELETE FROM sites WHERE domain = ?", d) > 0;
    }).onSuccess(deleted -> {
      if (deleted) {
        sitesChanged(SiteChange.deleted(d));
      }
    });
  }

  @Override
  public Future<List<SiteMembership>> sitesOf(long userId) {
    return read(c -> list(c,
        "SELECT " + MEMBERSHIP_COLUMNS + " FROM sites s "
            + "JOIN memberships m ON m.domain = s.domain WHERE m.user_id = ? ORDER BY s.domain",
        EmbeddedAccountStore::membership, userId));
  }

  @Override
  public Future<Optional<SiteMembership>> membership(long userId, String domain) {
    return read(c -> one(c,
        "SELECT " + MEMBERSHIP_COLUMNS + " FROM sites s "
            + "JOIN memberships m ON m.domain = s.domain WHERE m.user_id = ? AND s.domain = ?",
        EmbeddedAccountStore::membership, userId, domain.toLowerCase(Locale.ROOT)));
  }

  @Override
  public Future<List<Member>> members(String domain) {
    return read(c -> list(c,
        "SELECT m.domain, m.user_id, u.email, m.role, m.created_at FROM memberships m "
            + "JOIN users u ON u.id = m.user_id WHERE m.domain = ? ORDER BY u.email",
        EmbeddedAccountStore::member, domain.toLowerCase(Locale.ROOT)));
  }

  @Override
  public Future<Member> putMember(String domain, long userId, SiteRole role) {
    String d = domain.toLowerCase(Locale.ROOT);
    long now = System.currentTimeMillis();
    return transaction(c -> {
      int changed = update(c, "UPDATE memberships SET role = ? WHERE domain = ? AND user_id = ?", role.label(), d, userId);
      if (changed == 0) {
        update(c, "INSERT INTO memberships (domain, user_id, role, created_at) VALUES (?, ?, ?, ?)",
            d, userId, role.label(), now);
      }
      return one(c, "SELECT m.domain, m.user_id, u.email, m.role, m.created_at FROM memberships m "
              + "JOIN users u ON u.id = m.user_id WHERE m.domain = ? AND m.user_id = ?",
          EmbeddedAccountStore::member, d, userId).orElseThrow();
    });
  }

  @Override
  public Future<Boolean> removeMember(String domain, long userId) {
    return transaction(c -> update(c, "DELETE FROM memberships WHERE domain = ? AND user_id = ?",
        domain.toLowerCase(Locale.ROOT), userId) > 0);
  }

  // ---- share links

  @Override
  public Future<ShareLink> createShareLink(String domain, String tokenHash, String label, long createdBy,
      String passwordHash, Long expiresAt) {
    long now = System.currentTimeMillis();
    return transaction(c -> one(c,
        "INSERT INTO share_links (domain, token_hash, label, created_by, created_at, password_hash, expires_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING " + SHARE_COLUMNS,
        EmbeddedAccountStore::share, domain.toLowerCase(Locale.ROOT), tokenHash, label, createdBy, now,
        passwordHash, expiresAt).orElseThrow());
  }

  private static final String SHARE_COLUMNS = "id, domain, label, created_by, created_at, password_hash, expires_at";

  @Override
  public Future<List<ShareLink>> shareLinks(String domain) {
    return read(c -> list(c, "SELECT " + SHARE_COLUMNS + " FROM share_links WHERE domain = ? ORDER BY id",
        EmbeddedAccountStore::share, domain.toLowerCase(Locale.ROOT)));
  }

  @Override
  public Future<Optional<ShareLink>> findShareLink(String tokenHash) {
    return read(c -> one(c, "SELECT " + SHARE_COLUMNS + " FROM share_links WHERE token_hash = ?",
        EmbeddedAccountStore::share, tokenHash));
  }

  @Override
  public Future<Boolean> deleteShareLink(String domain, long id) {
    return transaction(c -> update(c, "DELETE FROM share_links WHERE domain = ? AND id = ?",
        domain.toLowerCase(Locale.ROOT), id) > 0);
  }

  // ---- API keys

  @Override
  public Future<ApiKey> createApiKey(long userId, String name, String prefix, String keyHash, List<String> sites) {
    long now = System.currentTimeMillis();
    List<String> domains = sites.stream().map(s -> s.toLowerCase(Locale.ROOT)).distinct().sorted().toList();
    return transaction(c -> {
      long id = one(c, "INSERT INTO api_keys (user_id, name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
          rs -> rs.getLong(1), userId, name, prefix, keyHash, now).orElseThrow();
      for (String domain : domains) {
        update(c, "INSERT INTO api_key_sites (key_id, domain) VALUES (?, ?)", id, domain);
      }
      return new ApiKey(id, userId, name, prefix, domains, now, null);
    });
  }

  @Override
  public Future<List<ApiKey>> apiKeys(long userId) {
    return read(c -> keys(c, "k.user_id = ?", userId));
  }

  @Override
  public Future<Optional<ApiKey>> findApiKey(String keyHash) {
    return read(c -> keys(c, "k.key_hash = ?", keyHash).stream().findFirst());
  }

  private static List<ApiKey> keys(Connection c, String where, Object arg) throws SQLException {
    Map<Long, ApiKey> byId = new LinkedHashMap<>();
    Map<Long, List<String>> sites = new LinkedHashMap<>();
    try (PreparedStatement ps = prepare(c,
        "SELECT k.id, k.user_id, k.name, k.prefix, k.created_at, s.domain, k.last_used_at FROM api_keys k "
            + "LEFT JOIN api_key_sites s ON s.key_id = k.id WHERE " + where + " ORDER BY k.id, s.domain", arg);
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long id = rs.getLong(1);
        byId.putIfAbsent(id, new ApiKey(id, rs.getLong(2), rs.getString(3), rs.getString(4), List.of(), rs.getLong(5),
            nullableLong(rs, 7)));
        List<String> domains = sites.computeIfAbsent(id, k -> new ArrayList<>());
        String domain = rs.getString(6);
        if (domain != null) {
          domains.add(domain);
        }
      }
    }
    List<ApiKey> result = new ArrayList<>();
    byId.forEach((id, k) -> result.add(new ApiKey(id, k.userId(), k.name(), k.prefix(), sites.get(id), k.createdAt(),
        k.lastUsedAt())));
    return result;
  }

  @Override
  public Future<Boolean> deleteApiKey(long userId, long id) {
    return transaction(c -> {
      int deleted = update(c, "DELETE FROM api_keys WHERE user_id = ? AND id = ?", userId, id);
      if (deleted > 0) {
        update(c, "DELETE FROM api_key_sites WHERE key_id = ?", id);
      }
      return deleted > 0;
    });
  }

  @Override
  public Future<Void> touchApiKey(long id, long now) {
    return transaction(c -> {
      update(c, "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)",
          now, id, now - KEY_USE_RESOLUTION_MS);
      return null;
    });
  }

  // ---- goals and funnels

  private static final String GOAL_COLUMNS =
      "id, domain, display_name, event_name, page_path, currency, created_at";

  @Override
  public Future<List<Goal>> goals(String domain) {
    return read(c -> list(c, "SELECT " + GOAL_COLUMNS + " FROM goals WHERE domain = ? ORDER BY id",
        EmbeddedAccountStore::goal, domain.toLowerCase(Locale.ROOT)));
  }

  @Override
  public Future<Goal> createGoal(Goal g) {
    long now = System.currentTimeMillis();
    return transaction(c -> one(c,
        "INSERT INTO goals (domain, display_name, event_name, page_path, currency, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?) RETURNING " + GOAL_COLUMNS,
        EmbeddedAccountStore::goal, g.domain().toLowerCase(Locale.ROOT), g.displayName(),
        Objects.requireNonNullElse(g.eventName(), ""), Objects.requireNonNullElse(g.pagePath(), ""),
        Objects.requireNonNullElse(g.currency(), ""), now).orElseThrow());
  }

  @Override
  public Future<Boolean> deleteGoal(String domain, long id) {
    String d = domain.toLowerCase(Locale.ROOT);
    return transaction(c -> {
      List<String> users = list(c, "SELECT DISTINCT f.name FROM funnels f JOIN funnel_steps s ON s.funnel_id = f.id "
          + "WHERE f.domain = ? AND s.goal_id = ? ORDER BY f.name", rs -> rs.getString(1), d, id);
      if (!users.isEmpty()) {
        throw new GoalInUseException(users);
      }
      return update(c, "DELETE FROM goals WHERE domain = ? AND id = ?", d, id) > 0;
    });
  }

  @Override
  public Future<List<Funnel>> funnels(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    return read(c -> {
      Map<Long, Goal> goals = new LinkedHashMap<>();
      for (Goal g : list(c, "SELECT " + GOAL_COLUMNS + " FROM goals WHERE domain = ?", EmbeddedAccountStore::goal, d)) {
        goals.put(g.id(), g);
      }
      Map<Long, List<Goal>> steps = new LinkedHashMap<>();
      try (PreparedStatement ps = prepare(c, "SELECT s.funnel_id, s.goal_id FROM funnel_steps s "
              + "JOIN funnels f ON f.id = s.funnel_id WHERE f.domain = ? ORDER BY s.funnel_id, s.step", d);
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Goal goal = goals.get(rs.getLong(2));
          if (goal != null) {
            steps.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(goal);
          }
        }
      }
      return list(c, "SELECT id, domain, name, created_at FROM funnels WHERE domain = ? ORDER BY id",
          rs -> new Funnel(rs.getLong(1), rs.getString(2), rs.getString(3),
              steps.getOrDefault(rs.getLong(1), List.of()), rs.getLong(4)), d);
    });
  }

  @Override
  public Future<Funnel> createFunnel(String domain, String name, List<Long> goalIds) {
    String d = domain.toLowerCase(Locale.ROOT);
    long now = System.currentTimeMillis();
    return transaction(c -> {
      long id = one(c, "INSERT INTO funnels (domain, name, created_at) VALUES (?, ?, ?) RETURNING id",
          rs -> rs.getLong(1), d, name, now).orElseThrow();
      List<Goal> steps = new ArrayList<>();
      for (long goalId : goalIds) {
        steps.add(one(c, "SELECT " + GOAL_COLUMNS + " FROM goals WHERE domain = ? AND id = ?",
            EmbeddedAccountStore::goal, d, goalId)
            .orElseThrow(() -> new AccountConflictException("goal " + goalId + " no longer exists")));
        update(c, "INSERT INTO funnel_steps (funnel_id, step, goal_id) VALUES (?, ?, ?)", id, steps.size(), goalId);
      }
      return new Funnel(id, d, name, steps, now);
    });
  }

  @Override
  public Future<Boolean> deleteFunnel(String domain, long id) {
    return transaction(c -> {
      int deleted = update(c, "DELETE FROM funnels WHERE domain = ? AND id = ?", domain.toLowerCase(Locale.ROOT), id);
      if (deleted > 0) {
        update(c, "DELETE FROM funnel_steps WHERE funnel_id = ?", id);
      }
      return deleted > 0;
    });
  }

  // ---- sign-in state

  @Override
  public Future<Void> storeRefreshToken(RefreshToken t) {
    return transaction(c -> {
      update(c, "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at, used, created_at) VALUES (?, ?, ?, ?, false, ?)",
          t.tokenHash(), t.userId(), t.family(), t.expiresAt(), t.createdAt());
      return null;
    });
  }

  @Override
  public Future<Optional<RefreshToken>> rotateRefreshToken(String tokenHash, String newTokenHash, long newExpiresAt, long now) {
    return transaction(c -> {
      record Row(RefreshToken token, boolean used) {}
      Optional<Row> row = one(c, "SELECT token_hash, user_id, family, expires_at, created_at, used FROM refresh_tokens WHERE token_hash = ?",
          rs -> new Row(refresh(rs), rs.getBoolean(6)), tokenHash);
      if (row.isEmpty()) {
        return Optional.<RefreshToken>empty();
      }
      RefreshToken old = row.get().token();
      if (row.get().used()) {
        update(c, "DELETE FROM refresh_tokens WHERE family = ?", old.family());
        return Optional.<RefreshToken>empty();
      }
      if (old.expiresAt() <= now) {
        return Optional.<RefreshToken>empty();
      }
      update(c, "UPDATE refresh_tokens SET used = true WHERE token_hash = ?", tokenHash);
      RefreshToken next = new RefreshToken(newTokenHash, old.userId(), old.family(), newExpiresAt, now);
      update(c, "INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at, used, created_at) VALUES (?, ?, ?, ?, false, ?)",
          next.tokenHash(), next.userId(), next.family(), next.expiresAt(), next.createdAt());
      return Optional.of(next);
    });
  }

  @Override
  public Future<Void> revokeRefreshToken(String tokenHash) {
    return transaction(c -> {
      update(c, "DELETE FROM refresh_tokens WHERE family IN (SELECT family FROM refresh_tokens WHERE token_hash = ?)", tokenHash);
      return null;
    });
  }

  @Override
  public Future<Void> revokeAccessToken(String jti, long expiresAt) {
    return transaction(c -> {
      if (update(c, "UPDATE revoked_tokens SET expires_at = ? WHERE jti = ?", expiresAt, jti) == 0) {
        update(c, "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?)", jti, expiresAt);
      }
      return null;
    });
  }

  @Override
  public Future<Boolean> isAccessTokenRevoked(String jti) {
    return read(c -> one(c, "SELECT 1 FROM revoked_tokens WHERE jti = ?", rs -> true, jti).isPresent());
  }

  @Override
  public Future<Void> purgeExpired(long now) {
    return transaction(c -> {
      update(c, "DELETE FROM revoked_tokens WHERE expires_at <= ?", now);
      update(c, "DELETE FROM refresh_tokens WHERE expires_at <= ?", now);
      return null;
    });
  }

  // ---- team

  private static final long KEY_USE_RESOLUTION_MS = 60_000L;
  private static final String USER_COLUMNS = "id, email, password_hash, instance_admin, created_at";
  private static final String INVITATION_COLUMNS =
      "id, domain, email, role, invited_by, created_at, expires_at, accepted_at";

  @Override
  public Future<Optional<User>> createFirstUser(String email, String passwordHash) {
    String normalized = email.trim().toLowerCase(Locale.ROOT);
    return serialTransaction(c -> {
      if (one(c, "SELECT count(*) FROM users", rs -> rs.getLong(1)).orElse(0L) > 0) {
        return Optional.<User>empty();
      }
      return one(c, "INSERT INTO users (email, password_hash, instance_admin, created_at) VALUES (?, ?, true, ?) "
          + "RETURNING " + USER_COLUMNS, EmbeddedAccountStore::user, normalized, passwordHash, System.currentTimeMillis());
    });
  }

  @Override
  public Future<List<User>> listUsers() {
    return read(c -> list(c, "SELECT " + USER_COLUMNS + " FROM users ORDER BY email", EmbeddedAccountStore::user));
  }

  @Override
  public Future<UserRemoval> deleteUser(long userId, Optional<Long> newOwner) {
    List<String> owned = new ArrayList<>();
    return this.<UserRemoval>transaction(c -> {
      if (one(c, "SELECT 1 FROM users WHERE id = ?", rs -> true, userId).isEmpty()) {
        return UserRemoval.NOT_FOUND;
      }
      owned.addAll(list(c, "SELECT domain FROM memberships WHERE user_id = ? AND role = ? ORDER BY domain",
          rs -> rs.getString(1), userId, SiteRole.OWNER.label()));
      if (!owned.isEmpty() && newOwner.isEmpty()) {
        return new UserRemoval(true, owned);
      }
      for (String domain : owned) {
        setRole(c, domain, newOwner.orElseThrow(), SiteRole.OWNER);
      }
      update(c, "DELETE FROM memberships WHERE user_id = ?", userId);
      update(c, "DELETE FROM api_key_sites WHERE key_id IN (SELECT id FROM api_keys WHERE user_id = ?)", userId);
      update(c, "DELETE FROM api_keys WHERE user_id = ?", userId);
      update(c, "DELETE FROM refresh_tokens WHERE user_id = ?", userId);
      update(c, "DELETE FROM users WHERE id = ?", userId);
      return UserRemoval.DELETED;
    });
  }

  /** Inserts the membership or changes its role. */
  private static void setRole(Connection c, String domain, long userId, SiteRole role) throws SQLException {
    if (update(c, "UPDATE memberships SET role = ? WHERE domain = ? AND user_id = ?", role.label(), domain, userId) == 0) {
      update(c, "INSERT INTO memberships (domain, user_id, role, created_at) VALUES (?, ?, ?, ?)",
          domain, userId, role.label(), System.currentTimeMillis());
    }
  }

  @Override
  public Future<Boolean> updatePassword(long userId, String passwordHash) {
    return transaction(c -> update(c, "UPDATE users SET password_hash = ? WHERE id = ?", passwordHash, userId) > 0);
  }

  @Override
  public Future<Void> revokeSessions(long userId, long cutoff) {
    return transaction(c -> {
      update(c, "UPDATE users SET sessions_revoked_at = ? WHERE id = ?", cutoff, userId);
      update(c, "DELETE FROM refresh_tokens WHERE user_id = ?", userId);
      return null;
    });
  }

  @Override
  public Future<Boolean> isSessionRevoked(long userId, String jti, long issuedAt) {
    return read(c -> one(c, "SELECT u.sessions_revoked_at, EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?) "
            + "FROM users u WHERE u.id = ?",
        rs -> {
          Long cutoff = nullableLong(rs, 1);
          return rs.getBoolean(2) || cutoff != null && issuedAt < cutoff;
        }, jti, userId).orElse(true));
  }

  @Override
  public Future<Boolean> transferOwnership(String domain, long newOwnerId) {
    String d = domain.toLowerCase(Locale.ROOT);
    return transaction(c -> {
      if (one(c, "SELECT 1 FROM memberships WHERE domain = ? AND user_id = ?", rs -> true, d, newOwnerId).isEmpty()) {
        return false;
      }
      update(c, "UPDATE memberships SET role = ? WHERE domain = ? AND role = ? AND user_id <> ?",
          SiteRole.ADMIN.label(), d, SiteRole.OWNER.label(), newOwnerId);
      update(c, "UPDATE memberships SET role = ? WHERE domain = ? AND user_id = ?", SiteRole.OWNER.label(), d, newOwnerId);
      return true;
    });
  }

  @Override
  public Future<Invitation> createInvitation(String domain, String email, SiteRole role, String tokenHash,
      long invitedBy, long expiresAt) {
    String d = domain.toLowerCase(Locale.ROOT);
    String e = email.trim().toLowerCase(Locale.ROOT);
    long now = System.currentTimeMillis();
    return transaction(c -> {
      update(c, "DELETE FROM invitations WHERE domain = ? AND email = ? AND accepted_at IS NULL", d, e);
      return one(c, "INSERT INTO invitations (domain, email, role, token_hash, invited_by, created_at, expires_at) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING " + INVITATION_COLUMNS,
          EmbeddedAccountStore::invitation, d, e, role.label(), tokenHash, invitedBy, now, expiresAt).orElseThrow();
    });
  }

  @Override
  public Future<List<Invitation>> invitations(String domain) {
    return read(c -> list(c, "SELECT " + INVITATION_COLUMNS + " FROM invitations WHERE domain = ? AND accepted_at IS NULL "
        + "ORDER BY id", EmbeddedAccountStore::invitation, domain.toLowerCase(Locale.ROOT)));
  }

  @Override
  public Future<Optional<Invitation>> findInvitation(String tokenHash) {
    return read(c -> one(c, "SELECT " + INVITATION_COLUMNS + " FROM invitations WHERE token_hash = ?",
        EmbeddedAccountStore::invitation, tokenHash));
  }

  @Override
  public Future<Boolean> deleteInvitation(String domain, long id) {
    return transaction(c -> update(c, "DELETE FROM invitations WHERE domain = ? AND id = ? AND accepted_at IS NULL",
        domain.toLowerCase(Locale.ROOT), id) > 0);
  }

  @Override
  public Future<Optional<Member>> acceptInvitation(String tokenHash, long userId, long now) {
    return serialTransaction(c -> accept(c, tokenHash, now, invitation -> userId));
  }

  @Override
  public Future<Optional<Member>> acceptInvitationAsNewUser(String tokenHash, String passwordHash, long now) {
    return serialTransaction(c -> accept(c, tokenHash, now, invitation -> one(c,
        "INSERT INTO users (email, password_hash, instance_admin, created_at) VALUES (?, ?, false, ?) RETURNING id",
        rs -> rs.getLong(1), invitation.email(), passwordHash, now).orElseThrow()));
  }

  @FunctionalInterface
  private interface Invitee {
    long userId(Invitation invitation) throws SQLException;
  }

  private static Optional<Member> accept(Connection c, String tokenHash, long now, Invitee invitee) throws SQLException {
    Optional<Invitation> found = one(c, "SELECT " + INVITATION_COLUMNS + " FROM invitations "
        + "WHERE token_hash = ? AND accepted_at IS NULL AND expires_at > ?", EmbeddedAccountStore::invitation, tokenHash, now);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Invitation invitation = found.get();
    long userId = invitee.userId(invitation);
    update(c, "UPDATE invitations SET accepted_at = ? WHERE id = ?", now, invitation.id());
    Optional<SiteRole> current = one(c, "SELECT role FROM memberships WHERE domain = ? AND user_id = ?",
        rs -> SiteRole.parse(rs.getString(1)).orElse(SiteRole.VIEWER), invitation.domain(), userId);
    if (current.isEmpty() || !current.get().atLeast(invitation.role())) {
      setRole(c, invitation.domain(), userId, invitation.role());
    }
    return one(c, "SELECT m.domain, m.user_id, u.email, m.role, m.created_at FROM memberships m "
        + "JOIN users u ON u.id = m.user_id WHERE m.domain = ? AND m.user_id = ?",
        EmbeddedAccountStore::member, invitation.domain(), userId);
  }

  // ---- change notification

  @Override
  public void onSitesChanged(Consumer<SiteChange> listener) {
    Context context = vertx.getOrCreateContext();
    listeners.add(new Listener(context, listener));
  }

  private void sitesChanged(SiteChange change) {
    listeners.forEach(l -> l.context().runOnContext(v -> l.action().accept(change)));
  }

  @Override
  public Future<Void> close() {
    return worker.run(() -> {
      for (Connection c : connections) {
        c.close();
      }
      root.close();
      return null;
    }).mapEmpty();
  }

  // ---- JDBC helpers

  @FunctionalInterface
  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args)) {
      return ps.executeUpdate();
    }
  }

  private static <T> Optional<T> one(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
    }
  }

  private static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    List<T> rows = new ArrayList<>();
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(mapper.map(rs));
      }
    }
    return rows;
  }

  private static User user(ResultSet rs) throws SQLException {
    return new User(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5));
  }

  // ---- imports

  private static final String IMPORT_COLUMNS = "id, domain, status, rows_total, rows_done, errors, start_date, "
      + "end_date, created_by, created_at, updated_at, finished_at";

  @Override
  public Future<SiteImport> createImport(String domain, long createdBy, long now) {
    return transaction(c -> one(c, "INSERT INTO imports (domain, status, rows_total, rows_done, errors, created_by, "
            + "created_at, updated_at) VALUES (?, ?, 0, 0, '[]', ?, ?, ?) RETURNING " + IMPORT_COLUMNS,
        EmbeddedAccountStore::siteImport, domain.toLowerCase(Locale.ROOT), SiteImport.Status.RUNNING.label(),
        createdBy, now, now).orElseThrow());
  }

  @Override
  public Future<Boolean> updateImport(SiteImport s) {
    return transaction(c -> update(c, "UPDATE imports SET status = ?, rows_total = ?, rows_done = ?, errors = ?, "
            + "start_date = ?, end_date = ?, updated_at = ?, finished_at = ? WHERE domain = ? AND id = ?",
        s.status().label(), s.rowsTotal(), s.rowsDone(), s.errorsJson(), isoDate(s.startDate()), isoDate(s.endDate()),
        s.updatedAt(), s.finishedAt(), s.domain(), s.id()) > 0);
  }

  @Override
  public Future<Optional<SiteImport>> findImport(String domain, long id) {
    return read(c -> one(c, "SELECT " + IMPORT_COLUMNS + " FROM imports WHERE domain = ? AND id = ?",
        EmbeddedAccountStore::siteImport, domain.toLowerCase(Locale.ROOT), id));
  }

  @Override
  public Future<List<SiteImport>> imports(String domain) {
    return read(c -> list(c, "SELECT " + IMPORT_COLUMNS + " FROM imports WHERE domain = ? ORDER BY id DESC",
        EmbeddedAccountStore::siteImport, domain.toLowerCase(Locale.ROOT)));
  }

  @Override
  public Future<Boolean> deleteImport(String domain, long id) {
    return transaction(c -> update(c, "DELETE FROM imports WHERE domain = ? AND id = ?",
        domain.toLowerCase(Locale.ROOT), id) > 0);
  }

  private static String isoDate(java.time.LocalDate date) {
    return date == null ? null : date.toString();
  }

  private static java.time.LocalDate date(String iso) {
    return iso == null ? null : java.time.LocalDate.parse(iso);
  }

  private static SiteImport siteImport(ResultSet rs) throws SQLException {
    return new SiteImport(rs.getLong(1), rs.getString(2), SiteImport.Status.parse(rs.getString(3)), rs.getLong(4),
        rs.getLong(5), SiteImport.parseErrors(rs.getString(6)), date(rs.getString(7)), date(rs.getString(8)),
        rs.getLong(9), rs.getLong(10), rs.getLong(11), nullableLong(rs, 12));
  }

  private static final String SITE_COLUMNS = "domain, name, timezone, created_at, retention_days, privacy_signals";
  private static final String MEMBERSHIP_COLUMNS =
      "s.domain, s.name, s.timezone, s.created_at, s.retention_days, s.privacy_signals, m.role";

  private static Site site(ResultSet rs) throws SQLException {
    long retention = rs.getLong(5);
    Integer retentionDays = rs.wasNull() ? null : (int) retention;
    return new Site(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), retentionDays,
        rs.getBoolean(6));
  }

  private static SiteMembership membership(ResultSet rs) throws SQLException {
    return new SiteMembership(site(rs), SiteRole.parse(rs.getString(7)).orElse(SiteRole.VIEWER));
  }

  private static Member member(ResultSet rs) throws SQLException {
    return new Member(rs.getString(1), rs.getLong(2), rs.getString(3),
        SiteRole.parse(rs.getString(4)).orElse(SiteRole.VIEWER), rs.getLong(5));
  }

  private static ShareLink share(ResultSet rs) throws SQLException {
    return new ShareLink(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
        rs.getString(6), nullableLong(rs, 7));
  }

  private static Invitation invitation(ResultSet rs) throws SQLException {
    return new Invitation(rs.getLong(1), rs.getString(2), rs.getString(3),
        SiteRole.parse(rs.getString(4)).orElse(SiteRole.VIEWER), rs.getLong(5), rs.getLong(6), rs.getLong(7),
        nullableLong(rs, 8));
  }

  private static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  private static Goal goal(ResultSet rs) throws SQLException {
    return new Goal(rs.getLong(1), rs.getString(2), rs.getString(3), emptyToNull(rs.getString(4)),
        emptyToNull(rs.getString(5)), emptyToNull(rs.getString(6)), rs.getLong(7));
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static RefreshToken refresh(ResultSet rs) throws SQLException {
    return new RefreshToken(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getLong(5));
  }
}
