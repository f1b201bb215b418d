package dev.mailbridge.identity.entra;

import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.token.AccessToken;
import dev.mailbridge.identity.token.TokenFetcher;
import java.time.Clock;
import java.util.Set;

/**
 * Client credentials grant (secret, or certificate: MSAL signs a fresh assertion per request). MSAL's own
 * cache is skipped: {@link dev.mailbridge.identity.token.CachingTokenSource} decides when to refresh.
 */
final class AppOnlyTokenFetcher implements TokenFetcher {
    private final MsalHttpClient transport;
    private final ConfidentialClientApplication msal;
    private final Set<String> scopes;
    private final Clock clock;

    AppOnlyTokenFetcher(AppRegistration app, String scope, HttpSettings http, Clock clock) {
        this.transport = new MsalHttpClient(http);
        this.msal = MsalApps.confidential(app, transport);
        this.scopes = Set.of(scope);
        this.clock = clock;
    }

    @Override
    public AccessToken fetch() {
        ClientCredentialParameters params =
                ClientCredentialParameters.builder(scopes).skipCache(true).build();
        return MsalResults.accessToken(MsalCalls.run(transport, () -> msal.acquireToken(params)), clock.instant());
    }
}
