package dev.mailbridge.identity.entra;

import com.microsoft.aad.msal4j.AbstractClientApplicationBase;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.SignInFailure;
import dev.mailbridge.identity.signin.SignedInAccount;
import dev.mailbridge.identity.token.RefreshTokenStore;
import java.time.Instant;
import java.util.Map;

/** Ends an interactive sign-in: saves its refresh token and describes the account. */
final class Accounts {
    private Accounts() {}

    static SignedInAccount save(
            RefreshTokenStore store,
            String accountKey,
            AbstractClientApplicationBase msal,
            IAuthenticationResult result,
            Map<String, Object> claims,
            Instant now) {
        Secret refreshToken = MsalResults.refreshToken(msal)
                .orElseThrow(() -> SignInFailure.local(
                        FailureCategory.APP_CONFIGURATION,
                        "Entra ID returned no refresh token, so the mailbox could not be refreshed later.",
                        "Make sure the offline_access scope is allowed for the app (it is requested automatically).",
                        null));
        store.save(accountKey, refreshToken);
        String username = result.account() != null && result.account().username() != null
                ? result.account().username()
                : DelegatedSignIn.claim(claims, "preferred_username").orElse("");
        return new SignedInAccount(
                accountKey,
                username,
                DelegatedSignIn.claim(claims, "tid"),
                DelegatedSignIn.scopes(result),
                MsalResults.accessToken(result, now));
    }
}
