package dev.mailbridge.identity.entra;

import com.microsoft.aad.msal4j.AbstractClientApplicationBase;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IClientCredential;
import com.microsoft.aad.msal4j.PublicClientApplication;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.credential.ClientCredential;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.SignInFailure;
import java.net.MalformedURLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds MSAL applications for a registration. Each gets its own {@link MsalHttpClient} (so error bodies are
 * not mixed between calls) and its own token cache, which we only read the rotated refresh token from: the
 * access-token cache and refresh policy are {@link dev.mailbridge.identity.token.CachingTokenSource}'s.
 */
final class MsalApps {
    /**
     * MSAL runs every call on its executor, by default CompletableFuture's async pool: the application-wide common
     * fork-join pool on machines with more than two cores, where device-code sign-ins polling for minutes and
     * other work of the host application would compete for a few workers. Our callers block on each call
     * anyway, so a cached pool of daemon threads of our own is the fit.
     */
    private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("mailbridge-msal-", 0).daemon(true).factory());

    private MsalApps() {}

    static ConfidentialClientApplication confidential(AppRegistration app, MsalHttpClient http) {
        ClientCredential credential = app.credential()
                .orElseThrow(
                        () -> new IllegalArgumentException("App-only access needs a client secret or certificate"));
        try {
            return configure(
                            ConfidentialClientApplication.builder(app.clientId(), msalCredential(credential)),
                            app,
                            http)
                    // x5c lets Entra validate certificates issued by a trusted CA (subject name + issuer auth).
                    .sendX5c(true)
                    .build();
        } catch (MalformedURLException e) {
            throw badAuthority(app, e);
        }
    }

    static PublicClientApplication publicClient(AppRegistration app, MsalHttpClient http) {
        try {
            return configure(PublicClientApplication.builder(app.clientId()), app, http)
                    .build();
        } catch (MalformedURLException e) {
            throw badAuthority(app, e);
        }
    }

    /** A confidential app when the registration has a credential, else a public one. */
    static AbstractClientApplicationBase forRegistration(AppRegistration app, MsalHttpClient http) {
        return app.isConfidential() ? confidential(app, http) : publicClient(app, http);
    }

    private static <B extends AbstractClientApplicationBase.Builder<B>> B configure(
            B builder, AppRegistration app, MsalHttpClient http) throws MalformedURLException {
        boolean custom = app.cloud().customAuthority();
        return builder.authority(app.authority())
                .httpClient(http)
                .executorService(EXECUTOR)
                // Instance discovery asks login.microsoftonline.com about the host; for the emulator or another
                // non-Microsoft authority there is nothing to ask, so MSAL must take the authority as given.
                .instanceDiscovery(!custom)
                .validateAuthority(!custom);
    }

    private static IClientCredential msalCredential(ClientCredential credential) {
        return switch (credential) {
            case ClientCredential.ClientSecret s ->
                ClientCredentialFactory.createFromSecret(s.value().reveal());
            case ClientCredential.ClientCertificate c ->
                ClientCredentialFactory.createFromCertificateChain(c.key(), c.chain());
        };
    }

    private static SignInFailure badAuthority(AppRegistration app, Exception e) {
        return SignInFailure.local(
                FailureCategory.APP_CONFIGURATION,
                "The sign-in authority " + app.authority() + " is not a valid URL.",
                "Check the connection's tenant and authority base URL.",
                e);
    }
}
