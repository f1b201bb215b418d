package dev.mailbridge.identity.entra;

import com.microsoft.aad.msal4j.IAuthenticationResult;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Runs one MSAL call and turns any failure into an explained SignInFailure. */
final class MsalCalls {
    private MsalCalls() {}

    static IAuthenticationResult run(MsalHttpClient http, Supplier<CompletableFuture<IAuthenticationResult>> call) {
        http.reset();
        try {
            return call.get().join();
        } catch (RuntimeException e) {
            throw MsalFailures.explain(e, http);
        }
    }
}
