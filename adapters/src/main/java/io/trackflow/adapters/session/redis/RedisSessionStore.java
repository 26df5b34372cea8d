package io.trackflow.adapters.session.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.event.SessionTotals;
import io.trackflow.core.event.VisitSource;
import io.trackflow.core.session.SessionSnapshot;
import io.trackflow.core.session.SessionStore;
import io.trackflow.core.session.SessionTouch;
import io.trackflow.core.session.local.InMemorySessionStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sessions in Redis, shared by every collector: one script call per batch applies its events
 * to their visitors' sessions atomically with {@code SessionState}'s rules (the script mirrors
 * that class; the session store contract holds both to them). The keys of one call must live on
 * one server: a single Redis (or a primary with replicas), not Redis Cluster. A session is a hash
 * that expires a little after the timeout, so idle visitors cost nothing. When Redis cannot be
 * reached an in-memory store answers instead (counted, and {@link #healthy()} turns false).
 */
public final class RedisSessionStore implements SessionStore {

  /** Metric counting session look-ups answered locally because Redis was unreachable. */
  public static final String FALLBACK_METRIC = "trackflow.collector.sessions.fallback";

  // KEYS: each touch's session hash, in order. ARGV[1] timeout, ARGV[2] key TTL, then per touch
  // 11 values: event time, candidate id, kind (p pageview, i interactive, q non-interactive,
  // g engagement), path, and the event's referrer, source and five UTM tags. Answers per touch:
  // id, start, end, events, pageviews, interactive, entry, exit and the visit's seven source
  // fields. One call per batch, so Redis runs the batch as one command. Ids travel as strings:
  // Lua numbers are doubles, exact for millisecond times but not for 64-bit ids.
  static final String TRACK = """
      local timeout = tonumber(ARGV[1])
      local out = {}
      for i, k in ipairs(KEYS) do
        local a = 2 + (i - 1) * 11
        local ts = tonumber(ARGV[a + 1])
        local kind = ARGV[a + 3]
        local s = redis.call('HMGET', k, 'id', 'st', 'en', 'la', 'n', 'pv', 'ia', 'e', 'et', 'x', 'xt',
          'r', 'rs', 'us', 'um', 'uc', 'ut', 'uo')
        if s[1] and ts - tonumber(s[4]) < timeout then
          local la = math.max(tonumber(s[4]), ts)
          if kind == 'g' then
            redis.call('HSET', k, 'la', la)
          else
            local st = math.min(tonumber(s[2]), ts)
            local en = math.max(tonumber(s[3]), ts)
            local n = tonumber(s[5]) + 1
            local pv = tonumber(s[6])
            local ia = tonumber(s[7])
            local e, et, x, xt = s[8], tonumber(s[9]), s[10], tonumber(s[11])
            if kind == 'p' then
              pv = pv + 1
              if pv == 1 or ts < et then e = ARGV[a + 4]; et = ts end
              if pv == 1 or ts >= xt then x = ARGV[a + 4]; xt = ts end
            elseif kind == 'i' then
              ia = ia + 1
            end
            redis.call('HSET', k, 'st', st, 'en', en, 'la', la, 'n', n, 'pv', pv, 'ia', ia,
              'e', e, 'et', et, 'x', x, 'xt', xt)
            s[2] = st; s[3] = en; s[5] = n; s[6] = pv; s[7] = ia; s[8] = e; s[10] = x
          end
          redis.call('PEXPIRE', k, ARGV[2])
          out[i] = {s[1], s[2], s[3], s[5], s[6], s[7], s[8], s[10],
            s[12], s[13], s[14], s[15], s[16], s[17], s[18]}
        elseif kind == 'g' then
          out[i] = {ARGV[a + 2], '0', '0', '0', '0', '0', '', '', ARGV[a + 5], ARGV[a + 6],
            ARGV[a + 7], ARGV[a + 8], ARGV[a + 9], ARGV[a + 10], ARGV[a + 11]}
        else
          local pv, ia, page = 0, 0, ''
          if kind == 'p' then pv = 1; page = ARGV[a + 4] elseif kind == 'i' then ia = 1 end
          local t = ARGV[a + 1]
          redis.call('DEL', k)
          redis.call('HSET', k, 'id', ARGV[a + 2], 'st', t, 'en', t, 'la', t, 'n', 1, 'pv', pv,
            'ia', ia, 'e', page, 'et', t, 'x', page, 'xt', t, 'r', ARGV[a + 5], 'rs', ARGV[a + 6],
            'us', ARGV[a + 7], 'um', ARGV[a + 8], 'uc', ARGV[a + 9], 'ut', ARGV[a + 10],
            'uo', ARGV[a + 11])
          redis.call('PEXPIRE', k, ARGV[2])
          out[i] = {ARGV[a + 2], t, t, '1', tostring(pv), tostring(ia), page, page, ARGV[a + 5],
            ARGV[a + 6], ARGV[a + 7], ARGV[a + 8], ARGV[a + 9], ARGV[a + 10], ARGV[a + 11]}
        end
      end
      return out
      """;

  // KEYS[1] the session hash; ARGV: the session id the event got, its kind. Takes the event's
  // counts back when the session is still that one.
  static final String RELEASE = """
      if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] or ARGV[2] == 'g' then return 0 end
      if tonumber(redis.call('HGET', KEYS[1], 'n')) > 0 then redis.call('HINCRBY', KEYS[1], 'n', -1) end
      local f = nil
      if ARGV[2] == 'p' then f = 'pv' elseif ARGV[2] == 'i' then f = 'ia' end
      if f and tonumber(redis.call('HGET', KEYS[1], f)) > 0 then redis.call('HINCRBY', KEYS[1], f, -1) end
      return 1
      """;

  private final Redis redis;
  private final boolean ownsClient;
  private final String prefix;
  private final long timeoutMillis;
  private final long keyTtlMillis;
  private final long requestTimeoutMillis;
  private final InMemorySessionStore local;
  private final Counter fallback;
  private final RedisScript track;
  private final RedisScript release;
  private final RedisFallback redisOrLocal;

  public RedisSessionStore(Redis redis, boolean ownsClient, String prefix, Clock clock,
      Duration timeout, Duration requestTimeout, int localVisitors, MeterRegistry registry) {
    this.redis = redis;
    this.ownsClient = ownsClient;
    this.prefix = prefix;
    this.redisOrLocal = new RedisFallback("sessions", clock);
    this.timeoutMillis = timeout.toMillis();
    // Outlive the timeout a little so a slightly late event still finds its session's key.
    this.keyTtlMillis = timeoutMillis + 60_000;
    this.requestTimeoutMillis = requestTimeout.toMillis();
    this.local = new InMemorySessionStore(timeout, localVisitors);
    this.track = new RedisScript(redis, TRACK, requestTimeout);
    this.release = new RedisScript(redis, RELEASE, requestTimeout);
    this.fallback = Counter.builder(FALLBACK_METRIC)
        .description("Session look-ups answered in memory because Redis was unreachable")
        .register(registry);
  }

  @Override
  public Future<List<SessionSnapshot>> track(List<SessionTouch> touches) {
    if (touches.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return redisOrLocal.attempt(() -> track.run(sha -> trackRequests(sha, touches))
        .map(RedisSessionStore::snapshots), () -> fallBack(touches));
  }

  @Override
  public Future<Void> release(List<SessionTouch> touches, List<SessionSnapshot> snapshots) {
    if (touches.isEmpty() || redisOrLocal.waiting()) {
      return local.release(touches, snapshots);
    }
    return release.run(sha -> {
      List<Request> requests = new ArrayList<>(touches.size());
      for (int i = 0; i < touches.size(); i++) {
        requests.add(Request.cmd(Command.EVALSHA).arg(sha).arg(1)
            .arg(prefix + Long.toHexString(touches.get(i).visitorId()))
            .arg(Long.toString(snapshots.get(i).sessionId())).arg(kind(touches.get(i).kind())));
      }
      return requests;
    }).otherwiseEmpty().compose(x -> local.release(touches, snapshots));
  }

  private List<Request> trackRequests(String sha, List<SessionTouch> touches) {
    Request call = Request.cmd(Command.EVALSHA).arg(sha).arg(touches.size());
    for (SessionTouch t : touches) {
      call.arg(prefix + Long.toHexString(t.visitorId()));
    }
    call.arg(Long.toString(timeoutMillis)).arg(Long.toString(keyTtlMillis));
    for (SessionTouch t : touches) {
      VisitSource s = t.source();
      call.arg(Long.toString(t.timestampMillis())).arg(Long.toString(newId())).arg(kind(t.kind()))
          .arg(t.pathname()).arg(s.referrer()).arg(s.referrerSource()).arg(s.utmSource())
          .arg(s.utmMedium()).arg(s.utmCampaign()).arg(s.utmTerm()).arg(s.utmContent());
    }
    return List.of(call);
  }

  private static List<SessionSnapshot> snapshots(List<Response> replies) {
    Response answers = replies.get(0);
    List<SessionSnapshot> snapshots = new ArrayList<>(answers.size());
    for (Response r : answers) {
      SessionTotals totals = new SessionTotals(r.get(1).toLong(), r.get(2).toLong(),
          r.get(3).toInteger(), r.get(4).toInteger(), r.get(5).toInteger(), text(r.get(6)),
          text(r.get(7)));
      VisitSource source = new VisitSource(text(r.get(8)), text(r.get(9)), text(r.get(10)),
          text(r.get(11)), text(r.get(12)), text(r.get(13)), text(r.get(14)));
      snapshots.add(new SessionSnapshot(Long.parseLong(r.get(0).toString()), totals, source));
    }
    return snapshots;
  }

  private static String text(Response r) {
    return r == null ? "" : r.toString();
  }

  private static String kind(SessionTouch.Kind kind) {
    return switch (kind) {
      case PAGEVIEW -> "p";
      case INTERACTIVE -> "i";
      case NON_INTERACTIVE -> "q";
      case ENGAGEMENT -> "g";
    };
  }

  private List<SessionSnapshot> fallBack(List<SessionTouch> touches) {
    fallback.increment(touches.size());
    return local.trackNow(touches);
  }

  private static long newId() {
    long id;
    do {
      id = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return id;
  }

  @Override
  public boolean healthy() {
    return redisOrLocal.healthy();
  }

  @Override
  public Future<Void> close() {
    return ownsClient ? redis.close() : Future.succeededFuture();
  }
}
