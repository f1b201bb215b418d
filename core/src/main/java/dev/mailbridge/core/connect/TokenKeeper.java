package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.store.HistoryStore;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.identity.entra.EntraTokens;
import dev.mailbridge.identity.failure.SignInFailure;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.token.AccessToken;
import dev.mailbridge.identity.token.CachingTokenSource;
import dev.mailbridge.identity.token.TokenSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every mailbox's sign-in alive: hands out token sources (one per mailbox, or per connection for
 * app-only), refreshes delegated mailboxes well before Entra's 90-day inactivity limit (AADSTS700082),
 * and turns failures into a status with the code and what to do.
 */
public final class TokenKeeper {
    private static final Logger log = LoggerFactory.getLogger(TokenKeeper.class);

    /** Entra drops a refresh token unused for 90 days. */
    public static final Duration INACTIVITY_LIMIT = Duration.ofDays(90);
    /** A mailbox whose last refresh is this close to the limit shows as Expiring. */
    public static final Duration EXPIRING_WITHIN = Duration.ofDays(14);

    private final Stores stores;
    private final Clock clock;
    private volatile HttpSettings baseHttp;
    private final Duration refreshEvery;
    private final Variables variables;
    private final Map<String, TokenSource> sources = new ConcurrentHashMap<>();
    private final java.util.List<java.util.function.Consumer<RefreshResult>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param refreshEvery how long a delegated mailbox may stay unrefreshed before the sweep refreshes
     *     it (default 7 days: a dozen chances before Entra's 90 days run out)
     */
    public TokenKeeper(Stores stores, Clock clock, HttpSettings baseHttp, Duration refreshEvery, Variables variables) {
        this.variables = variables;
        this.stores = stores;
        this.clock = clock;
        this.baseHttp = baseHttp;
        this.refreshEvery = refreshEvery;
    }

    ConnectionProfile profile(Connection c) {
        return ConnectionProfile.of(c, stores.connections().secrets(c.id()), baseHttp, variables);
    }

    Connection connection(UUID id) {
        return stores.connections().get(id).orElseThrow(() -> new NotFoundException("connection", id));
    }

    Mailbox mailbox(UUID id) {
        return stores.mailboxes().get(id).orElseThrow(() -> new NotFoundException("mailbox", id));
    }

    /** The token source for a mailbox of an OAuth connection (cached; dropped when settings change). */
    public TokenSource tokens(Mailbox m) {
        Connection c = connection(m.connectionId());
        if (c.signInMode() == SignInMode.OAUTH_APP_ONLY) {
            return appTokens(c);
        }
        if (c.signInMode() != SignInMode.OAUTH_DELEGATED) {
            throw new IllegalStateException("basic connections have no tokens");
        }
        return delegated(c, m, m.id().toString(), ConnectionProfile::delegatedScopes);
    }

    public TokenSource appTokens(Connection c) {
        return sources.computeIfAbsent(key(c, "app"), k -> {
            ConnectionProfile p = profile(c);
            return EntraTokens.appOnly(
                    p.app(), p.appScope(), p.http(), clock, CachingTokenSource.DEFAULT_REFRESH_MARGIN);
        });
    }

    /**
     * Graph tokens for the mailbox, whatever the connection's transport: its own tokens on a Graph connection;
     * on an EWS one, Graph-scoped tokens from the same app (app-only) or the same refresh token (delegated:
     * Entra's refresh tokens serve every resource the app was granted), so the switch to Graph can check the
     * permissions before anything changes.
     */
    public TokenSource graphTokens(Mailbox m) {
        Connection c = connection(m.connectionId());
        if (c.transport() == Transport.GRAPH) {
            return tokens(m);
        }
        if (c.signInMode() == SignInMode.OAUTH_APP_ONLY) {
            return graphAppTokens(c);
        }
        if (c.signInMode() != SignInMode.OAUTH_DELEGATED) {
            throw ValidationException.of(
                    "signInMode",
                    "Microsoft Graph accepts only OAuth: switch the connection to OAuth delegated or app-only.");
        }
        return delegated(c, m, "graph/" + m.id(), ConnectionProfile::graphDelegatedScopes);
    }

    /** A delegated source for the mailbox's stored refresh token, cached under {@code who}. */
    private TokenSource delegated(
            Connection c, Mailbox m, String who, java.util.function.Function<ConnectionProfile, Set<String>> scopes) {
        return sources.computeIfAbsent(key(c, who), k -> {
            ConnectionProfile p = profile(c);
            return EntraTokens.delegated(
                    p.app(),
                    scopes.apply(p),
                    stores.mailboxes().refreshTokens(),
                    m.id().toString(),
                    p.http(),
                    clock,
                    CachingTokenSource.DEFAULT_REFRESH_MARGIN);
        });
    }

    /** The app's Graph tokens (app-only), whatever the connection's transport. */
    public TokenSource graphAppTokens(Connection c) {
        if (c.transport() == Transport.GRAPH) {
            return appTokens(c);
        }
        return sources.computeIfAbsent(key(c, "graph/app"), k -> {
            ConnectionProfile p = profile(c);
            return EntraTokens.appOnly(
                    p.app(), p.graphAppScope(), p.http(), clock, CachingTokenSource.DEFAULT_REFRESH_MARGIN);
        });
    }

    private static String key(Connection c, String who) {
        return c.id() + "/" + c.settingsGeneration() + "/" + who;
    }

    /**
     * Replaces the server-wide HTTP settings (default proxy, trusted CAs) every connection builds on,
     * and drops what was built with the old ones.
     */
    public void useBaseHttp(HttpSettings settings) {
        this.baseHttp = settings;
        sources.clear();
    }

    /** Drops the cached token sources of a connection (its settings changed, or it was deleted). */
    public void forget(UUID connectionId) {
        sources.keySet().removeIf(k -> k.startsWith(connectionId + "/"));
    }

    /** A mailbox's sign-in went into a status someone should hear about (failing, lapsing). */
    public record StatusChange(UUID mailboxId, MailboxStatus status, Optional<String> code, String message) {}

    private final java.util.List<java.util.function.Consumer<StatusChange>> statusListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Called when a refresh fails and when a mailbox is flagged Expiring (events, notifications). */
    public void onStatusChange(java.util.function.Consumer<StatusChange> listener) {
        statusListeners.add(listener);
    }

    private void announce(StatusChange change) {
        for (var l : statusListeners) {
            try {
                l.accept(change);
            } catch (RuntimeException e) {
                log.warn("a status listener failed for mailbox {}: {}", change.mailboxId(), e.getMessage());
            }
        }
    }

    /** Called after every refresh attempt (metrics). */
    public void onRefresh(java.util.function.Consumer<RefreshResult> listener) {
        listeners.add(listener);
    }

    private RefreshResult tell(RefreshResult r) {
        listeners.forEach(l -> l.accept(r));
        return r;
    }

    /** The outcome of one refresh. */
    public record RefreshResult(UUID mailboxId, boolean refreshed, MailboxStatus status, String message) {}

    /**
     * Refreshes a mailbox's token now: a delegated mailbox redeems its refresh token (Entra rotates it,
     * the new one is stored sealed), app-only asks for a new app token. Failures are recorded with their
     * AADSTS code and set the status.
     */
    public RefreshResult refresh(UUID mailboxId) {
        Mailbox m = mailbox(mailboxId);
        Connection c = connection(m.connectionId());
        if (!c.signInMode().oauth()) {
            return new RefreshResult(m.id(), false, m.status(), "Basic sign-in has no tokens to refresh.");
        }
        if (c.signInMode() == SignInMode.OAUTH_DELEGATED && !m.hasRefreshToken()) {
            return new RefreshResult(m.id(), false, m.status(), "Not authorized yet: press Authorize.");
        }
        try {
            AccessToken token = tokens(m).refreshNow();
            stores.mailboxes().markRefreshed(m.id(), Optional.of(token.expiresOn()));
            stores.mailboxes().setStatus(m.id(), MailboxStatus.AUTHORIZED, Optional.empty(), Optional.empty());
            stores.history()
                    .add(HistoryStore.event(
                            c.id(),
                            m.id(),
                            HistoryEvent.Kind.REFRESHED,
                            HistoryEvent.Outcome.OK,
                            "Token refreshed; the access token is valid until " + token.expiresOn()));
            return tell(new RefreshResult(m.id(), true, MailboxStatus.AUTHORIZED, "Refreshed."));
        } catch (SignInFailure f) {
            MailboxStatus status = flag(m, c, f);
            return tell(new RefreshResult(m.id(), false, status, SignInFailures.summary(f)));
        }
    }

    /**
     * A token for the mailbox could not be had while it was in use (a sync refreshed it on its own, e.g. after
     * Exchange refused an expired token and the grant had been revoked). When someone must sign in again
     * (Revoked, Re-authorization required) the mailbox is flagged as a failed refresh is, with its history
     * entry and announcement; anything else (Entra unreachable, a wrong secret) is left to the caller's
     * retries and reporting, so a passing outage does not stop a mailbox. Returns whether it was flagged.
     */
    public boolean signInFailed(UUID mailboxId, SignInFailure f) {
        if (!SignInFailures.statusFor(f).needsSignIn()) {
            return false;
        }
        Mailbox m = mailbox(mailboxId);
        flag(m, connection(m.connectionId()), f);
        return true;
    }

    private MailboxStatus flag(Mailbox m, Connection c, SignInFailure f) {
        MailboxStatus status = SignInFailures.statusFor(f);
        stores.mailboxes()
                .setStatus(m.id(), status, SignInFailures.code(f), Optional.of(f.plainMessage() + " " + f.fix()));
        stores.history()
                .add(SignInFailures.history(c.id(), m.id(), HistoryEvent.Kind.REFRESH_FAILED, "Refresh failed", f));
        log.info(
                "refresh failed for mailbox {}: {} ({})",
                m.id(),
                SignInFailures.code(f).orElse(f.error()),
                status);
        announce(new StatusChange(m.id(), status, SignInFailures.code(f), SignInFailures.summary(f)));
        return status;
    }

    /** What one sweep did. */
    public record SweepResult(int refreshed, int failed, int expiring) {}

    /**
     * The scheduler's job: refresh every delegated mailbox whose last refresh is older than the interval,
     * and flag as Expiring those whose last successful refresh is within 14 days of Entra's 90-day limit
     * (their refreshes keep failing, so someone should look before it lapses).
     */
    public SweepResult sweep() {
        int refreshed = 0;
        int failed = 0;
        int expiring = 0;
        Instant now = clock.instant();
        for (Mailbox m : stores.mailboxes().all()) {
            if (!m.hasRefreshToken() || m.status().needsSignIn()) {
                continue;
            }
            Instant last = m.lastRefreshAt().or(m::authorizedAt).orElse(m.createdAt());
            if (!last.plus(refreshEvery).isAfter(now)) {
                RefreshResult r = refresh(m.id());
                if (r.refreshed()) {
                    refreshed++;
                    continue;
                }
                failed++;
                if (r.status().needsSignIn()) {
                    continue;
                }
            }
            if (!last.plus(INACTIVITY_LIMIT).minus(EXPIRING_WITHIN).isAfter(now)) {
                Instant lapses = last.plus(INACTIVITY_LIMIT);
                stores.mailboxes()
                        .setStatus(
                                m.id(),
                                MailboxStatus.EXPIRING,
                                Optional.of("AADSTS700082"),
                                Optional.of("The sign-in has not been refreshed since " + last
                                        + " and lapses on " + lapses
                                        + " (Entra's 90-day limit). Mailbridge keeps retrying; see the history for "
                                        + "why refreshing fails, or Re-authorize."));
                announce(new StatusChange(
                        m.id(),
                        MailboxStatus.EXPIRING,
                        Optional.of("AADSTS700082"),
                        "The sign-in lapses on " + lapses + " unless a refresh succeeds before then."));
                expiring++;
            }
        }
        return new SweepResult(refreshed, failed, expiring);
    }

    public Clock clock() {
        return clock;
    }

    Stores stores() {
        return stores;
    }

    Variables variables() {
        return variables;
    }
}
