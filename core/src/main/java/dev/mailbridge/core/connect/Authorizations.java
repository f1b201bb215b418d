package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.store.HistoryStore;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.identity.entra.DelegatedSignIn;
import dev.mailbridge.identity.failure.SignInFailure;
import dev.mailbridge.identity.signin.PendingSignIn;
import dev.mailbridge.identity.signin.Prompt;
import dev.mailbridge.identity.signin.ResponseMode;
import dev.mailbridge.identity.signin.SignInOptions;
import dev.mailbridge.identity.signin.SignInStart;
import dev.mailbridge.identity.signin.SignedInAccount;
import dev.mailbridge.identity.token.AccessToken;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Authorize button: sends a person to Microsoft's sign-in with state, nonce and PKCE, and takes the
 * callback. A sign-in not finished within {@link #TIMEOUT} is refused with a clear message; a callback's
 * state is good for one use only (a replayed callback is refused before any code is redeemed).
 */
public final class Authorizations {
    public static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Stores stores;
    private final TokenKeeper keeper;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(
            UUID mailboxId, UUID connectionId, int generation, PendingSignIn signIn, Instant expiresAt) {}

    /** Where to send the person, and until when the sign-in may take. */
    public record SignInRedirect(URI authorizationUrl, String state, Instant expiresAt) {}

    /** A mailbox authorized: who signed in. */
    public record Completed(UUID mailboxId, UUID connectionId, String signedInAs) {}

    public Authorizations(Stores stores, TokenKeeper keeper, Clock clock) {
        this.stores = stores;
        this.keeper = keeper;
        this.clock = clock;
    }

    /** Starts a delegated sign-in for a mailbox; the callback must come back to {@code redirectUri}. */
    public SignInRedirect start(UUID mailboxId, URI redirectUri, String actor) {
        Mailbox m = keeper.mailbox(mailboxId);
        Connection c = keeper.connection(m.connectionId());
        if (c.signInMode() != SignInMode.OAUTH_DELEGATED) {
            throw AuthorizationFailure.plain(
                    "This connection signs in with " + c.signInMode().label() + ", which has no browser sign-in.",
                    c.signInMode() == SignInMode.OAUTH_APP_ONLY
                            ? "Use Authorize (app-only) after an admin granted consent."
                            : "Use Test Connection to check the password.",
                    Optional.of(mailboxId));
        }
        ConnectionProfile p = keeper.profile(c);
        DelegatedSignIn signIn =
                new DelegatedSignIn(p.app(), p.http(), stores.mailboxes().refreshTokens(), clock);
        SignInStart start = signIn.start(
                m.id().toString(),
                SignInOptions.builder(redirectUri, p.delegatedScopes())
                        .loginHint(m.address())
                        .prompt(Prompt.SELECT_ACCOUNT)
                        // A GET callback: the session cookie (SameSite=Lax) travels with a top-level GET,
                        // not with the cross-site POST of form_post. State and PKCE guard the callback.
                        .responseMode(ResponseMode.QUERY)
                        .build());
        Instant expires = clock.instant().plus(TIMEOUT);
        purgeExpired();
        pending.put(
                start.pending().state(), new Pending(m.id(), c.id(), c.settingsGeneration(), start.pending(), expires));
        stores.audit().record(actor, "mailbox.authorize.start", "mailbox/" + m.id(), m.address());
        return new SignInRedirect(start.authorizationUrl(), start.pending().state(), expires);
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        pending.values()
                .removeIf(p -> p.expiresAt().plus(Duration.ofMinutes(10)).isBefore(now));
    }

    /**
     * Completes a sign-in from the callback's parameters ({@code code}, {@code state}, or Entra's
     * {@code error}). Checks state (one use), the 2-minute limit, PKCE and the nonce, redeems the code and
     * stores the tokens sealed.
     */
    public Completed complete(Map<String, String> callback) {
        String state = callback.get("state");
        Pending p = state == null ? null : pending.remove(state);
        if (p == null) {
            throw AuthorizationFailure.plain(
                    "This sign-in response does not belong to a sign-in Mailbridge started, or it was already "
                            + "used.",
                    "Start again with Authorize; do not reload or bookmark the sign-in page.",
                    Optional.empty());
        }
        Mailbox m = keeper.mailbox(p.mailboxId());
        Connection c = keeper.connection(p.connectionId());
        if (clock.instant().isAfter(p.expiresAt())) {
            AuthorizationFailure f = AuthorizationFailure.plain(
                    "The sign-in was not finished within " + TIMEOUT.toMinutes()
                            + " minutes, so Mailbridge stopped waiting for it.",
                    "Press Authorize again and complete the sign-in promptly.",
                    Optional.of(m.id()));
            recordFailure(c, m, f);
            throw f;
        }
        if (c.settingsGeneration() != p.generation()) {
            AuthorizationFailure f = AuthorizationFailure.plain(
                    "The connection's settings changed while the sign-in was under way.",
                    "Press Authorize again.",
                    Optional.of(m.id()));
            recordFailure(c, m, f);
            throw f;
        }
        ConnectionProfile profile = keeper.profile(c);
        DelegatedSignIn signIn = new DelegatedSignIn(
                profile.app(), profile.http(), stores.mailboxes().refreshTokens(), clock);
        SignedInAccount account;
        try {
            account = signIn.complete(p.signIn(), callback);
        } catch (SignInFailure f) {
            AuthorizationFailure failure = fromSignIn(f, m.id());
            stores.history()
                    .add(SignInFailures.history(
                            c.id(), m.id(), HistoryEvent.Kind.AUTHORIZATION_FAILED, "Sign-in failed", f));
            throw failure;
        }
        return finish(c, m, account);
    }

    /** Checks who signed in and records the mailbox as authorized. */
    private Completed finish(Connection c, Mailbox m, SignedInAccount account) {
        String who = account.username() == null ? "" : account.username().toLowerCase(Locale.ROOT);
        if (!who.isEmpty() && !who.equals(m.address())) {
            // The person signed in as someone else: that account's token would read the wrong mailbox.
            stores.mailboxes().clearTokens(m.id(), MailboxStatus.NOT_AUTHORIZED, "signed in as " + who);
            AuthorizationFailure f = AuthorizationFailure.plain(
                    "You signed in as " + who + ", but this mailbox is " + m.address() + ".",
                    "Press Authorize again and sign in as " + m.address()
                            + " (use \"Use another account\" on Microsoft's page).",
                    Optional.of(m.id()));
            recordFailure(c, m, f);
            throw f;
        }
        AccessToken token = account.accessToken();
        stores.mailboxes()
                .markAuthorized(
                        m.id(),
                        who.isEmpty() ? m.address() : who,
                        c.settingsGeneration(),
                        Optional.of(token.expiresOn()));
        stores.history()
                .add(HistoryStore.event(
                        c.id(),
                        m.id(),
                        HistoryEvent.Kind.AUTHORIZED,
                        HistoryEvent.Outcome.OK,
                        "Authorized by " + (who.isEmpty() ? m.address() : who) + " (scopes: "
                                + String.join(" ", account.grantedScopes()) + ")"));
        keeper.forget(c.id());
        return new Completed(m.id(), c.id(), who.isEmpty() ? m.address() : who);
    }

    /** What to show the person: open {@code verificationUri} on any device and enter {@code userCode}. */
    public record DeviceCodeStart(String userCode, URI verificationUri, String message, Instant expiresAt) {}

    private final java.util.concurrent.ExecutorService deviceCodes =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "mailbridge-device-code");
                t.setDaemon(true);
                return t;
            });

    /**
     * Device code sign-in, for a delegated connection whose app is a public client (no secret or
     * certificate; "Allow public client flows" on in Entra) and for servers without a browser: returns
     * the code to show; the sign-in completes in the background, and the mailbox's status and history
     * say how it ended.
     */
    public DeviceCodeStart startDeviceCode(UUID mailboxId, String actor) {
        Mailbox m = keeper.mailbox(mailboxId);
        Connection c = keeper.connection(m.connectionId());
        if (c.signInMode() != SignInMode.OAUTH_DELEGATED || c.hasClientSecret() || c.hasCertificate()) {
            throw AuthorizationFailure.plain(
                    "Sign-in with a code needs a delegated connection whose app is a public client (no client secret "
                            + "or certificate).",
                    c.signInMode() == SignInMode.OAUTH_DELEGATED
                            ? "Use Authorize, or register a public client app (Allow public client flows: Yes) and "
                                    + "enter its client ID without a secret."
                            : "Use Authorize.",
                    Optional.of(mailboxId));
        }
        ConnectionProfile p = keeper.profile(c);
        var signIn = new dev.mailbridge.identity.entra.DeviceCodeSignIn(
                p.app(), p.http(), stores.mailboxes().refreshTokens(), clock);
        java.util.concurrent.CompletableFuture<dev.mailbridge.identity.signin.DeviceCodePrompt> prompt =
                new java.util.concurrent.CompletableFuture<>();
        int generation = c.settingsGeneration();
        stores.audit().record(actor, "mailbox.authorize.device-code", "mailbox/" + m.id(), m.address());
        deviceCodes.execute(() -> {
            try {
                SignedInAccount account = signIn.run(m.id().toString(), p.delegatedScopes(), prompt::complete);
                if (keeper.connection(c.id()).settingsGeneration() != generation) {
                    recordFailure(
                            c,
                            m,
                            AuthorizationFailure.plain(
                                    "The connection's settings changed while the sign-in was under way.",
                                    "Start the sign-in again.",
                                    Optional.of(m.id())));
                    return;
                }
                finish(c, m, account);
            } catch (SignInFailure f) {
                prompt.completeExceptionally(f);
                stores.history()
                        .add(SignInFailures.history(
                                c.id(),
                                m.id(),
                                HistoryEvent.Kind.AUTHORIZATION_FAILED,
                                "Sign-in with a code failed",
                                f));
            } catch (AuthorizationFailure f) {
                prompt.completeExceptionally(f);
            } catch (RuntimeException e) {
                prompt.completeExceptionally(e);
                recordFailure(
                        c,
                        m,
                        AuthorizationFailure.plain(
                                "Sign-in with a code failed: " + e.getMessage(), "Try again.", Optional.of(m.id())));
            }
        });
        try {
            var shown = prompt.get(30, java.util.concurrent.TimeUnit.SECONDS);
            return new DeviceCodeStart(
                    shown.userCode(),
                    shown.verificationUri(),
                    shown.message(),
                    clock.instant().plus(shown.expiresIn()));
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SignInFailure f) {
                throw fromSignIn(f, m.id());
            }
            if (e.getCause() instanceof AuthorizationFailure f) {
                throw f;
            }
            throw AuthorizationFailure.plain(
                    "Entra did not hand out a code: " + e.getCause().getMessage(),
                    "Check the connection's tenant and client ID, and that the app allows public client flows.",
                    Optional.of(m.id()));
        } catch (java.util.concurrent.TimeoutException e) {
            throw AuthorizationFailure.plain(
                    "Entra did not hand out a code within 30 seconds.",
                    "Check the network and proxy settings, then try again.",
                    Optional.of(m.id()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AuthorizationFailure.plain("Interrupted.", "Try again.", Optional.of(m.id()));
        }
    }

    /**
     * App-only: there is no user sign-in; the mailbox is authorized when the app gets a token with its
     * secret or certificate (an admin must have granted consent: {@link #adminConsentUrl}).
     */
    public Completed authorizeAppOnly(UUID mailboxId, String actor) {
        Mailbox m = keeper.mailbox(mailboxId);
        Connection c = keeper.connection(m.connectionId());
        if (c.signInMode() != SignInMode.OAUTH_APP_ONLY) {
            throw AuthorizationFailure.plain(
                    "Only app-only connections authorize without a user sign-in.",
                    "Use Authorize to sign in as the mailbox.",
                    Optional.of(mailboxId));
        }
        try {
            keeper.forget(c.id());
            AccessToken token = keeper.appTokens(c).refreshNow();
            stores.mailboxes()
                    .markAuthorized(
                            m.id(),
                            "app " + c.clientId().orElse(""),
                            c.settingsGeneration(),
                            Optional.of(token.expiresOn()));
            stores.history()
                    .add(HistoryStore.event(
                            c.id(),
                            m.id(),
                            HistoryEvent.Kind.AUTHORIZED,
                            HistoryEvent.Outcome.OK,
                            "App-only token obtained for " + m.address()));
            stores.audit().record(actor, "mailbox.authorize.app", "mailbox/" + m.id(), m.address());
            return new Completed(m.id(), c.id(), "app " + c.clientId().orElse(""));
        } catch (SignInFailure f) {
            stores.mailboxes()
                    .setStatus(
                            m.id(),
                            MailboxStatus.FAILING,
                            SignInFailures.code(f),
                            Optional.of(f.plainMessage() + " " + f.fix()));
            stores.history()
                    .add(SignInFailures.history(
                            c.id(), m.id(), HistoryEvent.Kind.AUTHORIZATION_FAILED, "App-only token failed", f));
            throw fromSignIn(f, m.id());
        }
    }

    /**
     * The link an administrator opens to grant the app's application permissions in the tenant
     * (v2 admin consent with the resource's {@code .default} scope).
     */
    public URI adminConsentUrl(UUID connectionId, URI redirectUri) {
        Connection c = keeper.connection(connectionId);
        ConnectionProfile p = keeper.profile(c);
        String tenant = c.tenantId().orElse("organizations");
        return URI.create(p.cloud().authorityBase() + "/" + enc(tenant) + "/v2.0/adminconsent?client_id="
                + enc(c.clientId().orElse("")) + "&scope=" + enc(p.appScope()) + "&redirect_uri="
                + enc(redirectUri.toString()) + "&state=" + UUID.randomUUID());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void recordFailure(Connection c, Mailbox m, AuthorizationFailure f) {
        stores.history()
                .add(HistoryStore.event(
                                c.id(),
                                m.id(),
                                HistoryEvent.Kind.AUTHORIZATION_FAILED,
                                HistoryEvent.Outcome.FAILED,
                                f.getMessage())
                        .detail("What to do: " + f.fix()));
    }

    static AuthorizationFailure fromSignIn(SignInFailure f, UUID mailboxId) {
        return new AuthorizationFailure(
                SignInFailures.code(f).map(code -> code + ": ").orElse("") + f.plainMessage(),
                f.fix(),
                SignInFailures.code(f),
                SignInFailures.field(f),
                f.traceId(),
                f.correlationId(),
                Optional.ofNullable(mailboxId));
    }
}
