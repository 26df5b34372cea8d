package io.trackflow.query.account;

/**
 * A stored refresh token (its SHA-256 only). Tokens of one sign-in share a family: presenting an
 * already rotated token again revokes the whole family, since it means the token leaked.
 */
public record RefreshToken(String tokenHash, long userId, String family, long expiresAt, long createdAt) {}
