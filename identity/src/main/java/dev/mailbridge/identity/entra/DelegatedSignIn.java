package dev.mailbridge.identity.entra;

import com.microsoft.aad.msal4j.AbstractClientApplicationBase;
import com.microsoft.aad.msal4j.AuthorizationCodeParameters;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.failure.EntraError;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.Failures;
import dev.mailbridge.identity.failure.SignInFailure;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.signin.AuthorizationUrl;
import dev.mailbridge.identity.signin.PendingSignIn;
import dev.mailbridge.identity.signin.SignInOptions;
import dev.mailbridge.identity.signin.SignInStart;
import dev.mailbridge.identity.signin.SignedInAccount;
import dev.mailbridge.identity.token.RefreshTokenStore;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authorization code flow with PKCE, for a person authorizing a mailbox in a browser:
 * {@link #start} builds the sign-in URL (state, nonce, PKCE S256, response_mode, prompt, login_hint) and the
 * {@link PendingSignIn} to keep; {@link #complete} checks the callback, redeems the code, checks the ID
 * token's nonce and saves the refresh token in the {@link RefreshTokenStore}.
 */
public final class DelegatedSignIn {
    private static final Logger log = LoggerFactory.getLogger(DelegatedSignIn.class);

    private final AppRegistration app;
    private final HttpSettings http;
    private final RefreshTokenStore store;
    private final Clock clock;

    public DelegatedSignIn(AppRegistration app, HttpSettings http, RefreshTokenStore store) {
        this(app, http, store, Clock.systemUTC());
    }

    public DelegatedSignIn(AppRegistration app, HttpSettings http, RefreshTokenStore store, Clock clock) {
        this.app = Objects.requireNonNull(app);
        this.http = Objects.requireNonNull(http);
        this.store = Objects.requireNonNull(store);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The URL to send the browser to, and what to keep in the session until the callback. */
    public SignInStart start(String accountKey, SignInOptions options) {
        PendingSignIn pending =
                PendingSignIn.create(accountKey, options.redirectUri(), options.scopes(), clock.instant());
        return new SignInStart(AuthorizationUrl.build(app, pending, options), pending);
    }

    /**
     * Completes the sign-in from the callback's parameters (query, or form_post body): {@code code} and
     * {@code state}, or {@code error} and {@code error_description}.
     *
     * @throws SignInFailure explained: a callback error (e.g. access_denied, AADSTS65004), a state mismatch,
     *     or a failed code redemption
     */
    public SignedInAccount complete(PendingSignIn pending, Map<String, String> callback) {
        String state = callback.get("state");
        if (state == null || !dev.mailbridge.identity.Secret.of(pending.state()).sameAs(state)) {
            if (callback.containsKey("error") && state == null) {
                throw Failures.explain(EntraError.fromCallback(callback), null);
            }
            throw SignInFailure.local(
                    FailureCategory.REAUTHORIZE,
                    "The sign-in response does not belong to the sign-in that was started (state mismatch).",
                    "Start the sign-in again from Mailbridge and finish it in the same browser session.",
                    null);
        }
        if (callback.containsKey("error")) {
            throw Failures.explain(EntraError.fromCallback(callback), null);
        }
        String code = callback.get("code");
        if (code == null || code.isBlank()) {
            throw SignInFailure.local(
                    FailureCategory.APP_CONFIGURATION,
                    "The sign-in callback carried neither a code nor an error.",
                    "Check that the redirect URI points at Mailbridge's callback and that the response mode matches.",
                    null);
        }
        MsalHttpClient transport = new MsalHttpClient(http);
        AbstractClientApplicationBase msal = MsalApps.forRegistration(app, transport);
        AuthorizationCodeParameters params = AuthorizationCodeParameters.builder(code, pending.redirectUri())
                .scopes(pending.scopes())
                .codeVerifier(pending.codeVerifier().reveal())
                .build();
        IAuthenticationResult result = MsalCalls.run(transport, () -> msal.acquireToken(params));
        Map<String, Object> claims = MsalResults.idTokenClaims(result);
        checkNonce(pending, claims);
        SignedInAccount account = Accounts.save(store, pending.accountKey(), msal, result, claims, clock.instant());
        log.info("Mailbox {} authorized as {}", pending.accountKey(), account.username());
        return account;
    }

    private static void checkNonce(PendingSignIn pending, Map<String, Object> claims) {
        Object nonce = claims.get("nonce");
        if (!claims.isEmpty() && !(nonce instanceof String n && pending.nonce().sameAs(n))) {
            throw SignInFailure.local(
                    FailureCategory.REAUTHORIZE,
                    "The ID token does not carry this sign-in's nonce, so it may be replayed.",
                    "Start the sign-in again; if it repeats, report it.",
                    null);
        }
    }

    static Optional<String> claim(Map<String, Object> claims, String name) {
        return Optional.ofNullable(claims.get(name)).map(Object::toString);
    }

    static Set<String> scopes(IAuthenticationResult result) {
        return result.scopes() == null || result.scopes().isBlank()
                ? Set.of()
                : Set.of(result.scopes().trim().split("\\s+"));
    }
}
