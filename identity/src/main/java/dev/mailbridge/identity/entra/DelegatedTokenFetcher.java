package dev.mailbridge.identity.entra;

import com.microsoft.aad.msal4j.AbstractClientApplicationBase;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.RefreshTokenParameters;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.SignInFailure;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.token.AccessToken;
import dev.mailbridge.identity.token.RefreshTokenStore;
import dev.mailbridge.identity.token.TokenFetcher;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redeems the mailbox's stored refresh token for an access token and saves the rotated refresh token.
 *
 * <p>MSAL's silent flow would need MSAL's whole token cache persisted per mailbox; redeeming the refresh
 * token directly (MSAL's RefreshTokenParameters) keeps the vault holding one string per mailbox, which is
 * what the server stores. A fresh MSAL application per redemption keeps mailboxes' tokens apart.
 */
final class DelegatedTokenFetcher implements TokenFetcher {
    private static final Logger log = LoggerFactory.getLogger(DelegatedTokenFetcher.class);

    private final AppRegistration app;
    private final Set<String> scopes;
    private final RefreshTokenStore store;
    private final String accountKey;
    private final HttpSettings http;
    private final Clock clock;

    DelegatedTokenFetcher(
            AppRegistration app,
            Set<String> scopes,
            RefreshTokenStore store,
            String accountKey,
            HttpSettings http,
            Clock clock) {
        this.app = app;
        this.scopes = Set.copyOf(scopes);
        this.store = store;
        this.accountKey = accountKey;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public AccessToken fetch() {
        Secret refreshToken = store.load(accountKey)
                .orElseThrow(() -> SignInFailure.local(
                        FailureCategory.REAUTHORIZE,
                        "No refresh token is stored for mailbox " + accountKey + ".",
                        "Have the mailbox owner sign in (authorize the mailbox).",
                        null));
        MsalHttpClient transport = new MsalHttpClient(http);
        AbstractClientApplicationBase msal = MsalApps.forRegistration(app, transport);
        RefreshTokenParameters params =
                RefreshTokenParameters.builder(scopes, refreshToken.reveal()).build();
        IAuthenticationResult result;
        try {
            result = MsalCalls.run(transport, () -> msal.acquireToken(params));
        } catch (SignInFailure failure) {
            log.warn("Refresh failed for mailbox {}: {}", accountKey, failure.getMessage());
            throw failure;
        }
        Optional<Secret> rotated = MsalResults.refreshToken(msal);
        rotated.ifPresent(rt -> store.save(accountKey, rt));
        log.debug("Refreshed mailbox {} (refresh token rotated: {})", accountKey, rotated.isPresent());
        return MsalResults.accessToken(result, clock.instant());
    }
}
