package dev.mailbridge.identity.token;

/**
 * Gets a new access token from Entra (client credentials, or a refresh-token redemption that also stores
 * the rotated refresh token). Called by {@link CachingTokenSource}, one call at a time per source.
 */
@FunctionalInterface
public interface TokenFetcher {
    /** @throws dev.mailbridge.identity.failure.SignInFailure explained failure */
    AccessToken fetch();
}
