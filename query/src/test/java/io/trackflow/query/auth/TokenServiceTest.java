package io.trackflow.query.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.trackflow.query.QueryStack;
import io.trackflow.query.auth.TokenService.Rejection;
import io.trackflow.query.auth.TokenService.TokenRejected;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Access tokens")
class TokenServiceTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";
  private Vertx vertx;
  private TokenService tokens;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    tokens = new TokenService(vertx, SECRET, Duration.ofMinutes(15), Clock.systemUTC());
  }

  @AfterEach
  void tearDown() throws Exception {
    QueryStack.await(vertx.close());
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String hmac(String algorithm, String key, String input) throws Exception {
    Mac mac = Mac.getInstance(algorithm);
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  private static JsonObject claims() {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", "7").put("email", "a@example.com").put("jti", "j-1")
        .put("iss", TokenService.ISSUER).put("aud", TokenService.AUDIENCE).put("iat", now).put("exp", now + 600);
  }

  /** A token signed by hand, to build the forgeries a library would not produce. */
  private static String signed(String alg, JsonObject payload, String key) throws Exception {
    String input = b64(new JsonObject().put("alg", alg).put("typ", "JWT").encode()) + "." + b64(payload.encode());
    String macAlg = switch (alg) {
      case "HS256" -> "HmacSHA256";
      case "HS384" -> "HmacSHA384";
      default -> "HmacSHA512";
    };
    return input + "." + hmac(macAlg, key, input);
  }

  /**
   * The verdict on a token that must be turned away. Any other failure (a fault, a timeout) or
   * acceptance fails the test, so each forgery test checks the check it is named after.
   */
  private Rejection rejection(String token) {
    Throwable failure = catchThrowable(() -> QueryStack.await(tokens.verify(token)));
    assertThat(failure).as("verdict on %s", token).isInstanceOf(TokenRejected.class);
    TokenRejected rejected = (TokenRejected) failure;
    assertThat(rejected.status()).isEqualTo(401);
    assertThat(rejected.error().code()).isEqualTo("unauthorized");
    return rejected.reason();
  }

  @Test
  @DisplayName("A token it issued verifies and carries the user, email, id and expiry")
  void roundTrip() throws Exception {
    TokenService.IssuedToken issued = tokens.issue(42, "u@example.com");
    TokenService.AccessClaims claims = QueryStack.await(tokens.verify(issued.token()));
    assertThat(claims.userId()).isEqualTo(42);
    assertThat(claims.email()).isEqualTo("u@example.com");
    assertThat(claims.jti()).isEqualTo(issued.jti());
    assertThat(claims.expiresAt()).isEqualTo(issued.expiresAt());
    assertThat(issued.expiresAt() - System.currentTimeMillis()).isBetween(14 * 60_000L, 15 * 60_000L);
  }

  @Test
  @DisplayName("A hand-signed HS256 token with the right claims is accepted, so the forgery tests below are meaningful")
  void handSignedControl() throws Exception {
    assertThat(QueryStack.await(tokens.verify(signed("HS256", claims(), SECRET))).userId()).isEqualTo(7);
  }

  @Test
  @DisplayName("A token whose payload was changed after signing is rejected")
  void tamperedPayload() {
    String token = tokens.issue(1, "a@example.com").token();
    assertThat(rejection(AuthorizationMatrixTest.tamper(token, 2))).isEqualTo(Rejection.SIGNATURE);
  }

  @Test
  @DisplayName("A token whose signature was altered is rejected")
  void tamperedSignature() {
    String token = tokens.issue(1, "a@example.com").token();
    char last = token.charAt(token.length() - 2);
    String altered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    assertThat(rejection(altered)).isEqualTo(Rejection.SIGNATURE);
  }

  @Test
  @DisplayName("An expired token is rejected")
  void expired() {
    TokenService past = new TokenService(vertx, SECRET, Duration.ofMinutes(15),
        Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-16)));
    assertThat(rejection(past.issue(1, "a@example.com").token())).isEqualTo(Rejection.EXPIRED);
  }

  @Test
  @DisplayName("A token without an expiry is rejected")
  void noExpiry() throws Exception {
    JsonObject c = claims();
    c.remove("exp");
    assertThat(rejection(signed("HS256", c, SECRET))).isEqualTo(Rejection.MISSING_CLAIMS);
  }

  @Test
  @DisplayName("alg none, unsigned, is rejected")
  void algNone() {
    String token = b64(new JsonObject().put("alg", "none").put("typ", "JWT").encode()) + "." + b64(claims().encode()) + ".";
    assertThat(rejection(token)).isEqualTo(Rejection.UNSIGNED);
  }

  @Test
  @DisplayName("The same key under another HMAC algorithm (HS512) is rejected: the algorithm is pinned")
  void otherHmacAlgorithm() throws Exception {
    assertThat(rejection(signed("HS512", claims(), SECRET))).isEqualTo(Rejection.ALGORITHM);
    assertThat(rejection(signed("HS384", claims(), SECRET))).isEqualTo(Rejection.ALGORITHM);
  }

  @Test
  @DisplayName("An RS256 token, and an RS256 header over an HMAC signature (key confusion), are rejected")
  void rsaConfusion() throws Exception {
    var pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    String input = b64(new JsonObject().put("alg", "RS256").put("typ", "JWT").encode()) + "." + b64(claims().encode());
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(pair.getPrivate());
    rsa.update(input.getBytes(StandardCharsets.US_ASCII));
    String rs256 = input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    assertThat(rejection(rs256)).isEqualTo(Rejection.ALGORITHM);
    assertThat(rejection(input + "." + hmac("HmacSHA256", SECRET, input))).isEqualTo(Rejection.ALGORITHM);
  }

  @Test
  @DisplayName("Tokens with another issuer or audience, or signed with another key, are rejected")
  void issuerAudienceKey() throws Exception {
    assertThat(rejection(signed("HS256", claims().put("iss", "someone-else"), SECRET))).isEqualTo(Rejection.ISSUER);
    assertThat(rejection(signed("HS256", claims().put("aud", "another-api"), SECRET))).isEqualTo(Rejection.AUDIENCE);
    assertThat(rejection(signed("HS256", claims(), "another-key-another-key-another-key!"))).isEqualTo(Rejection.SIGNATURE);
  }

  @Test
  @DisplayName("Garbage in place of a token is rejected, not an error")
  void garbage() {
    assertThat(rejection("not.a.token")).isEqualTo(Rejection.MALFORMED);
    assertThat(rejection("")).isEqualTo(Rejection.MALFORMED);
    assertThat(rejection("a.b")).isEqualTo(Rejection.MALFORMED);
  }
}
