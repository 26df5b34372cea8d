package io.trackflow.query.account;

import java.util.ArrayList;
import java.util.List;

/**
 * The versioned schema of the account store. Both adapters apply the same numbered migrations,
 * recorded in {@code schema_migrations}; the SQL is the subset PostgreSQL and DuckDB share, and
 * each adapter adds its own extras (PostgreSQL: indexes and the change notification trigger).
 * Released migrations are never edited: a change is a new version.
 */
public final class AccountSchema {

  /** One schema step. */
  public record Migration(int version, String description, List<String> statements) {}

  public static final String SITES_CHANNEL = "trackflow_sites";

  private AccountSchema() {}

  public static final String CREATE_MIGRATIONS_TABLE = """
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        description VARCHAR NOT NULL,
        applied_at BIGINT NOT NULL)""";

  private static final List<String> V1 = List.of(
      "CREATE SEQUENCE user_ids START 1",
      """
      CREATE TABLE users (
        id BIGINT PRIMARY KEY DEFAULT nextval('user_ids'),
        email VARCHAR NOT NULL UNIQUE,
        password_hash VARCHAR NOT NULL,
        instance_admin BOOLEAN NOT NULL,
        created_at BIGINT NOT NULL)""",
      """
      CREATE TABLE sites (
        domain VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        timezone VARCHAR NOT NULL,
        created_at BIGINT NOT NULL)""",
      """
      CREATE TABLE memberships (
        domain VARCHAR NOT NULL,
        user_id BIGINT NOT NULL,
        role VARCHAR NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (domain, user_id))""",
      "CREATE SEQUENCE share_ids START 1",
      """
      CREATE TABLE share_links (
        id BIGINT PRIMARY KEY DEFAULT nextval('share_ids'),
        domain VARCHAR NOT NULL,
        token_hash VARCHAR NOT NULL UNIQUE,
        label VARCHAR NOT NULL,
        created_by BIGINT NOT NULL,
        created_at BIGINT NOT NULL)""",
      "CREATE SEQUENCE api_key_ids START 1",
      """
      CREATE TABLE api_keys (
        id BIGINT PRIMARY KEY DEFAULT nextval('api_key_ids'),
        user_id BIGINT NOT NULL,
        name VARCHAR NOT NULL,
        prefix VARCHAR NOT NULL,
        key_hash VARCHAR NOT NULL UNIQUE,
        created_at BIGINT NOT NULL)""",
      """
      CREATE TABLE api_key_sites (
        key_id BIGINT NOT NULL,
        domain VARCHAR NOT NULL,
        PRIMARY KEY (key_id, domain))""",
      """
      CREATE TABLE refresh_tokens (
        token_hash VARCHAR PRIMARY KEY,
        user_id BIGINT NOT NULL,
        family VARCHAR NOT NULL,
        expires_at BIGINT NOT NULL,
        used BOOLEAN NOT NULL,
        created_at BIGINT NOT NULL)""",
      """
      CREATE TABLE revoked_tokens (
        jti VARCHAR PRIMARY KEY,
        expires_at BIGINT NOT NULL)""");

  private static final List<String> V2_POSTGRES = List.of(
      "CREATE INDEX memberships_user ON memberships (user_id)",
      "CREATE INDEX api_keys_user ON api_keys (user_id)",
      "CREATE INDEX refresh_tokens_family ON refresh_tokens (family)",
      // Any change to sites, by any process, wakes every collector's LISTEN.
      """
      CREATE FUNCTION trackflow_notify_sites() RETURNS trigger AS $$
      BEGIN
        PERFORM pg_notify('%s', '');
        RETURN NULL;
      END;
      $$ LANGUAGE plpgsql""".formatted(SITES_CHANNEL),
      """
      CREATE TRIGGER sites_changed AFTER INSERT OR UPDATE OR DELETE ON sites
        FOR EACH STATEMENT EXECUTE FUNCTION trackflow_notify_sites()""");

  // Notifications name the operation and the site, so a listener in another process learns what
  // changed; a re-save with the same time zone is not a change anyone acts on.
  private static final List<String> V3_POSTGRES = List.of(
      "DROP TRIGGER sites_changed ON sites",
      """
      CREATE OR REPLACE FUNCTION trackflow_notify_sites() RETURNS trigger AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('%1$s', 'DELETE:' || OLD.domain);
        ELSIF TG_OP = 'INSERT' OR NEW.timezone IS DISTINCT FROM OLD.timezone THEN
          PERFORM pg_notify('%1$s', TG_OP || ':' || NEW.domain);
        END IF;
        RETURN NULL;
      END;
      $$ LANGUAGE plpgsql""".formatted(SITES_CHANNEL),
      """
      CREATE TRIGGER sites_changed AFTER INSERT OR UPDATE OR DELETE ON sites
        FOR EACH ROW EXECUTE FUNCTION trackflow_notify_sites()""");

  // Invitations replace accounts created with a password the inviter chose; share links may carry
  // a password and an expiry; API keys remember when they were last used; a user's sessions issued
  // before sessions_revoked_at (a password change, "sign out everywhere") are refused.
  private static final List<String> V4_TEAM = List.of(
      "CREATE SEQUENCE invitation_ids START 1",
      """
      CREATE TABLE invitations (
        id BIGINT PRIMARY KEY DEFAULT nextval('invitation_ids'),
        domain VARCHAR NOT NULL,
        email VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        token_hash VARCHAR NOT NULL UNIQUE,
        invited_by BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        accepted_at BIGINT)""",
      "ALTER TABLE share_links ADD COLUMN password_hash VARCHAR",
      "ALTER TABLE share_links ADD COLUMN expires_at BIGINT",
      "ALTER TABLE api_keys ADD COLUMN last_used_at BIGINT",
      "ALTER TABLE users ADD COLUMN sessions_revoked_at BIGINT");

  private static final String V4_DESCRIPTION =
      "invitations, share link passwords and expiry, API key last use, session revocation per user";
  // Goals match one of event_name or page_path ('' for the other), so the pair is unique per site.
  private static final List<String> V5_GOALS = List.of(
      "CREATE SEQUENCE goal_ids START 1",
      """
      CREATE TABLE goals (
        id BIGINT PRIMARY KEY DEFAULT nextval('goal_ids'),
        domain VARCHAR NOT NULL,
        display_name VARCHAR NOT NULL,
        event_name VARCHAR NOT NULL,
        page_path VARCHAR NOT NULL,
        currency VARCHAR NOT NULL,
        created_at BIGINT NOT NULL,
        UNIQUE (domain, display_name),
        UNIQUE (domain, event_name, page_path))""",
      "CREATE SEQUENCE funnel_ids START 1",
      """
      CREATE TABLE funnels (
        id BIGINT PRIMARY KEY DEFAULT nextval('funnel_ids'),
        domain VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        created_at BIGINT NOT NULL,
        UNIQUE (domain, name))""",
      """
      CREATE TABLE funnel_steps (
        funnel_id BIGINT NOT NULL,
        step INTEGER NOT NULL,
        goal_id BIGINT NOT NULL,
        PRIMARY KEY (funnel_id, step))""");

  // Per-site settings: how many days of events to keep (NULL: all) and whether the collector
  // honours Do-Not-Track and Global Privacy Control. Both stores add the flag with a default and
  // then forbid NULL (DuckDB takes no constraint in ADD COLUMN).
  private static final List<String> V6_SETTINGS = List.of(
      "ALTER TABLE sites ADD COLUMN retention_days INTEGER",
      "ALTER TABLE sites ADD COLUMN privacy_signals BOOLEAN DEFAULT FALSE",
      "UPDATE sites SET privacy_signals = FALSE WHERE privacy_signals IS NULL",
      "ALTER TABLE sites ALTER COLUMN privacy_signals SET NOT NULL");

  private static final String V6_DESCRIPTION = "site retention period and privacy signals";

  // Collectors act on privacy signals too, so changing them notifies like a time zone change.
  private static final String V6_POSTGRES_NOTIFY = """
      CREATE OR REPLACE FUNCTION trackflow_notify_sites() RETURNS trigger AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('%1$s', 'DELETE:' || OLD.domain);
        ELSIF TG_OP = 'INSERT' OR NEW.timezone IS DISTINCT FROM OLD.timezone
            OR NEW.privacy_signals IS DISTINCT FROM OLD.privacy_signals THEN
          PERFORM pg_notify('%1$s', TG_OP || ':' || NEW.domain);
        END IF;
        RETURN NULL;
      END;
      $$ LANGUAGE plpgsql""".formatted(SITES_CHANNEL);

  // Imports of a site's history from CSV exports: the job's state, progress, errors per file and
  // the dates covered (ISO dates). The imported rows themselves live in the event store.
  private static final List<String> V7_IMPORTS = List.of(
      "CREATE SEQUENCE import_ids START 1",
      """
      CREATE TABLE imports (
        id BIGINT PRIMARY KEY DEFAULT nextval('import_ids'),
        domain VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        rows_total BIGINT NOT NULL,
        rows_done BIGINT NOT NULL,
        errors VARCHAR NOT NULL,
        start_date VARCHAR,
        end_date VARCHAR,
        created_by BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        finished_at BIGINT)""");

  private static final String V7_DESCRIPTION = "imports of a site's history";

  public static List<Migration> postgres() {
    List<Migration> all = new ArrayList<>();
    all.add(new Migration(1, "users, sites, memberships, share links, API keys, tokens", V1));
    all.add(new Migration(2, "indexes and site change notification", V2_POSTGRES));
    all.add(new Migration(3, "site change notifications name the operation and the site", V3_POSTGRES));
    List<String> v4 = new ArrayList<>(V4_TEAM);
    v4.add("CREATE INDEX invitations_domain ON invitations (domain)");
    all.add(new Migration(4, V4_DESCRIPTION, v4));
    all.add(new Migration(5, "goals and funnels", V5_GOALS));
    List<String> v6 = new ArrayList<>(V6_SETTINGS);
    v6.add(V6_POSTGRES_NOTIFY);
    all.add(new Migration(6, V6_DESCRIPTION, v6));
    List<String> v7 = new ArrayList<>(V7_IMPORTS);
    v7.add("CREATE INDEX imports_domain ON imports (domain)");
    all.add(new Migration(7, V7_DESCRIPTION, v7));
    return all;
  }

  public static List<Migration> duckdb() {
    // DuckDB's secondary indexes make updates of indexed tables fragile, and the tables stay
    // small in a standalone install; the in-process callback replaces NOTIFY.
    List<Migration> all = new ArrayList<>();
    all.add(new Migration(1, "users, sites, memberships, share links, API keys, tokens", V1));
    all.add(new Migration(2, "indexes and site change notification", List.of()));
    all.add(new Migration(3, "site change notifications name the operation and the site", List.of()));
    all.add(new Migration(4, V4_DESCRIPTION, V4_TEAM));
    all.add(new Migration(5, "goals and funnels", V5_GOALS));
    all.add(new Migration(6, V6_DESCRIPTION, V6_SETTINGS));
    all.add(new Migration(7, V7_DESCRIPTION, V7_IMPORTS));
    return all;
  }
}
