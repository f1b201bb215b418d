package dev.mailbridge.identity.entra;

import com.microsoft.aad.msal4j.DeviceCode;
import com.microsoft.aad.msal4j.DeviceCodeFlowParameters;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.PublicClientApplication;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.signin.DeviceCodePrompt;
import dev.mailbridge.identity.signin.SignedInAccount;
import dev.mailbridge.identity.token.RefreshTokenStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Device code sign-in for headless set-up (CLI, a server without a browser): Entra hands out a user code,
 * {@code onPrompt} shows it, the person enters it at the verification URL on any device, and this call
 * returns once they have signed in. It is a public-client flow: the app registration must allow public
 * client flows, and the refresh token is later redeemed without a client credential.
 */
public final class DeviceCodeSignIn {
    private final AppRegistration app;
    private final HttpSettings http;
    private final RefreshTokenStore store;
    private final Clock clock;

    public DeviceCodeSignIn(AppRegistration app, HttpSettings http, RefreshTokenStore store) {
        this(app, http, store, Clock.systemUTC());
    }

    public DeviceCodeSignIn(AppRegistration app, HttpSettings http, RefreshTokenStore store, Clock clock) {
        this.app = Objects.requireNonNull(app);
        this.http = Objects.requireNonNull(http);
        this.store = Objects.requireNonNull(store);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Runs the flow, blocking until the user finishes, declines, or the code expires.
     *
     * @throws dev.mailbridge.identity.failure.SignInFailure explained (declined, expired, consent, ...)
     */
    public SignedInAccount run(String accountKey, Set<String> scopes, Consumer<DeviceCodePrompt> onPrompt) {
        MsalHttpClient transport = new MsalHttpClient(http);
        PublicClientApplication msal = MsalApps.publicClient(app, transport);
        Consumer<DeviceCode> relay = code -> onPrompt.accept(new DeviceCodePrompt(
                code.userCode(),
                URI.create(code.verificationUri()),
                code.message(),
                Duration.ofSeconds(code.expiresIn())));
        DeviceCodeFlowParameters params =
                DeviceCodeFlowParameters.builder(scopes, relay).build();
        IAuthenticationResult result = MsalCalls.run(transport, () -> msal.acquireToken(params));
        return Accounts.save(store, accountKey, msal, result, MsalResults.idTokenClaims(result), clock.instant());
    }
}
