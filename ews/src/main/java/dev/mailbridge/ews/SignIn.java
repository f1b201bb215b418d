package dev.mailbridge.ews;

import dev.mailbridge.identity.Authenticator;
import dev.mailbridge.identity.credential.BasicAuthenticator;
import dev.mailbridge.identity.credential.BasicCredential;
import dev.mailbridge.identity.token.BearerAuthenticator;
import dev.mailbridge.identity.token.TokenSource;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Who the client acts as, for one mailbox. The four modes:
 *
 * <ul>
 *   <li>{@link #basic(BasicCredential)} without impersonation: an Exchange Server user reads its own mailbox;
 *   <li>{@link #basic(BasicCredential)} with {@code credential.impersonating(mailbox)}: a service account with
 *       ApplicationImpersonation acts for the mailbox (ExchangeImpersonation header);
 *   <li>{@link #delegated(TokenSource, String)}: OAuth for a signed-in user (EWS.AccessAsUser.All);
 *   <li>{@link #appOnly(TokenSource, String)}: OAuth app-only (full_access_as_app); always impersonates the
 *       mailbox and sends {@code X-AnchorMailbox}, as Exchange Online requires.
 * </ul>
 */
public final class SignIn {
    private final Authenticator authenticator;
    private final String mailbox;
    private final boolean impersonate;
    private final boolean bearer;
    private final String mode;

    private SignIn(Authenticator authenticator, String mailbox, boolean impersonate, boolean bearer, String mode) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.mailbox = mailbox == null || mailbox.isBlank() ? null : mailbox.trim();
        this.impersonate = impersonate;
        this.bearer = bearer;
        this.mode = mode;
        if (impersonate && this.mailbox == null) {
            throw new IllegalArgumentException("Impersonation needs the mailbox's SMTP address");
        }
    }

    /** Basic; impersonates when the credential names a mailbox ({@link BasicCredential#impersonating}). */
    public static SignIn basic(BasicCredential credential) {
        Optional<String> target = credential.impersonatedMailbox();
        return new SignIn(
                new BasicAuthenticator(credential),
                target.orElse(null),
                target.isPresent(),
                false,
                target.isPresent() ? "basic-impersonated" : "basic");
    }

    /** OAuth delegated: the token's user reads its own mailbox ({@code mailbox} is used for routing). */
    public static SignIn delegated(TokenSource tokens, String mailbox) {
        return new SignIn(new BearerAuthenticator(tokens), mailbox, false, true, "oauth-delegated");
    }

    /** OAuth app-only: impersonates {@code mailbox} and anchors requests to it. */
    public static SignIn appOnly(TokenSource tokens, String mailbox) {
        return new SignIn(new BearerAuthenticator(tokens), mailbox, true, true, "oauth-app-only");
    }

    /** Any authenticator; {@code impersonate} adds ExchangeImpersonation for {@code mailbox}. */
    public static SignIn of(Authenticator authenticator, String mailbox, boolean impersonate) {
        return new SignIn(authenticator, mailbox, impersonate, false, "custom");
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    /** The mailbox requests are for, if known (impersonated, or given for routing). */
    public Optional<String> mailbox() {
        return Optional.ofNullable(mailbox);
    }

    public boolean impersonates() {
        return impersonate;
    }

    boolean bearer() {
        return bearer;
    }

    /** The key throttling state is kept under: the mailbox, or this credential when unknown. */
    String throttleKey() {
        return mailbox != null
                ? mailbox.toLowerCase(Locale.ROOT)
                : "credential@" + Integer.toHexString(System.identityHashCode(authenticator));
    }

    @Override
    public String toString() {
        return "SignIn[" + mode + (mailbox == null ? "" : ", " + mailbox) + "]";
    }
}
