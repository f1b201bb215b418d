package dev.mailbridge.identity.entra;

import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.token.CachingTokenSource;
import dev.mailbridge.identity.token.RefreshTokenStore;
import dev.mailbridge.identity.token.TokenSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** Token sources for the two OAuth modes, cached and refreshed single-flight ahead of expiry. */
public final class EntraTokens {
    private EntraTokens() {}

    /**
     * App-only (client credentials) tokens for one resource, e.g. {@code cloud.ewsAppScope()}. The tenant
     * must be a tenant ID or domain, not common/organizations.
     */
    public static TokenSource appOnly(AppRegistration app, String scope, HttpSettings http) {
        return appOnly(app, scope, http, Clock.systemUTC(), CachingTokenSource.DEFAULT_REFRESH_MARGIN);
    }

    public static TokenSource appOnly(
            AppRegistration app, String scope, HttpSettings http, Clock clock, Duration refreshMargin) {
        return new CachingTokenSource(
                "app " + app.clientId(), new AppOnlyTokenFetcher(app, scope, http, clock), clock, refreshMargin);
    }

    /**
     * Delegated tokens for one authorized mailbox: redeems the refresh token stored under {@code accountKey}
     * and saves each rotated one back to {@code store}.
     */
    public static TokenSource delegated(
            AppRegistration app, Set<String> scopes, RefreshTokenStore store, String accountKey, HttpSettings http) {
        return delegated(
                app, scopes, store, accountKey, http, Clock.systemUTC(), CachingTokenSource.DEFAULT_REFRESH_MARGIN);
    }

    public static TokenSource delegated(
            AppRegistration app,
            Set<String> scopes,
            RefreshTokenStore store,
            String accountKey,
            HttpSettings http,
            Clock clock,
            Duration refreshMargin) {
        return new CachingTokenSource(
                "mailbox " + accountKey,
                new DelegatedTokenFetcher(app, scopes, store, accountKey, http, clock),
                clock,
                refreshMargin);
    }
}
