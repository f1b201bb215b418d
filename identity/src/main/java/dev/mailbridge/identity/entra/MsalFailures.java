package dev.mailbridge.identity.entra;

import com.microsoft.aad.msal4j.MsalServiceException;
import dev.mailbridge.identity.failure.EntraError;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.Failures;
import dev.mailbridge.identity.failure.SignInFailure;
import dev.mailbridge.identity.http.ProxyAuthenticationException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/** Turns whatever an MSAL call threw into an explained {@link SignInFailure}. */
final class MsalFailures {
    private MsalFailures() {}

    static SignInFailure explain(Throwable thrown, MsalHttpClient http) {
        Throwable t = unwrap(thrown);
        if (t instanceof SignInFailure failure) {
            return failure;
        }
        SignInFailure network = network(t);
        if (network != null) {
            return network;
        }
        MsalHttpClient.ErrorResponse raw = http.lastError();
        if (raw != null) {
            var json = Json.object(raw.body());
            if (json.isPresent() && json.get().containsKey("error")) {
                EntraError entra = EntraError.fromJson(json.get(), raw.status());
                if (t instanceof MsalServiceException mse) {
                    entra = entra.withCorrelationIdIfAbsent(mse.correlationId());
                }
                return Failures.explain(entra, t);
            }
        }
        if (t instanceof MsalServiceException mse) {
            EntraError entra = EntraError.fromDescription(
                            mse.errorCode(), mse.getMessage(), mse.statusCode() == null ? 0 : mse.statusCode())
                    .withCorrelationIdIfAbsent(mse.correlationId());
            return Failures.explain(entra, t);
        }
        return SignInFailure.local(
                FailureCategory.UNKNOWN,
                "Token request failed: " + t.getClass().getSimpleName() + ": " + t.getMessage(),
                FailureCategory.UNKNOWN.defaultFix(),
                t);
    }

    /** Network, proxy and TLS problems, found anywhere in the cause chain. */
    private static SignInFailure network(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ProxyAuthenticationException p) {
                return SignInFailure.local(
                        FailureCategory.CONNECTION, p.getMessage(), "Correct the proxy settings of the connection.", t);
            }
            if (c instanceof SSLException) {
                return SignInFailure.local(
                        FailureCategory.CONNECTION,
                        "The TLS connection to the sign-in service failed: " + c.getMessage(),
                        "If a proxy inspects TLS, add its CA certificate (PEM) to the connection's trusted"
                                + " certificates; otherwise check the server's certificate.",
                        t);
            }
            if (c instanceof UnknownHostException
                    || c instanceof ConnectException
                    || c instanceof HttpTimeoutException) {
                return SignInFailure.local(
                        FailureCategory.CONNECTION,
                        "The sign-in service could not be reached: " + c,
                        "Check the network, DNS, firewall and proxy settings (and the no-proxy list).",
                        t);
            }
        }
        return null;
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
