package dev.mailbridge.identity.signin;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the sign-in URL asks for. {@code scopes} are the resource scopes (e.g. the cloud profile's
 * {@code ewsDelegatedScope()}); MSAL adds openid, profile and offline_access (for the refresh token).
 */
public record SignInOptions(
        URI redirectUri,
        Set<String> scopes,
        ResponseMode responseMode,
        Optional<Prompt> prompt,
        Optional<String> loginHint,
        Optional<String> domainHint) {

    public SignInOptions {
        Objects.requireNonNull(redirectUri, "redirectUri");
        scopes = Set.copyOf(new LinkedHashSet<>(scopes));
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("At least one scope is needed");
        }
        Objects.requireNonNull(responseMode, "responseMode");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(loginHint, "loginHint");
        Objects.requireNonNull(domainHint, "domainHint");
    }

    public static Builder builder(URI redirectUri, Set<String> scopes) {
        return new Builder(redirectUri, scopes);
    }

    public static final class Builder {
        private final URI redirectUri;
        private final Set<String> scopes;
        private ResponseMode responseMode = ResponseMode.FORM_POST;
        private Prompt prompt;
        private String loginHint;
        private String domainHint;

        private Builder(URI redirectUri, Set<String> scopes) {
            this.redirectUri = redirectUri;
            this.scopes = scopes;
        }

        public Builder responseMode(ResponseMode mode) {
            this.responseMode = mode;
            return this;
        }

        public Builder prompt(Prompt prompt) {
            this.prompt = prompt;
            return this;
        }

        /** Pre-fills the user name: the mailbox address being authorized. */
        public Builder loginHint(String loginHint) {
            this.loginHint = loginHint;
            return this;
        }

        public Builder domainHint(String domainHint) {
            this.domainHint = domainHint;
            return this;
        }

        public SignInOptions build() {
            return new SignInOptions(
                    redirectUri,
                    scopes,
                    responseMode,
                    Optional.ofNullable(prompt),
                    Optional.ofNullable(loginHint),
                    Optional.ofNullable(domainHint));
        }
    }
}
