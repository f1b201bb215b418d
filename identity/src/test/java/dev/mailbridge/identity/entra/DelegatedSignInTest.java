package dev.mailbridge.identity.entra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.emulator.junit.SignInBrowser.Person;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.SignInFailure;
import dev.mailbridge.identity.signin.PendingSignIn;
import dev.mailbridge.identity.signin.Pkce;
import dev.mailbridge.identity.signin.Prompt;
import dev.mailbridge.identity.signin.ResponseMode;
import dev.mailbridge.identity.signin.SignInOptions;
import dev.mailbridge.identity.signin.SignInStart;
import dev.mailbridge.identity.signin.SignedInAccount;
import dev.mailbridge.identity.testing.EntraFixture;
import dev.mailbridge.identity.token.InMemoryRefreshTokenStore;
import dev.mailbridge.identity.token.TokenSource;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Authorization code + PKCE through DelegatedSignIn, against the emulator's sign-in pages over HTTPS. */
class DelegatedSignInTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static EntraFixture fx;

    final InMemoryRefreshTokenStore store = new InMemoryRefreshTokenStore();

    @BeforeAll
    static void tenant() {
        fx = new EntraFixture(EMULATOR.emulator());
    }

    @AfterEach
    void resetClock() {
        EMULATOR.emulator().clock().reset();
    }

    DelegatedSignIn signIn() {
        return new DelegatedSignIn(fx.webApp(), fx.http(), store);
    }

    SignInStart start(String upn, ResponseMode mode) {
        return signIn().start(
                        "mbx-" + upn,
                        SignInOptions.builder(URI.create(EntraFixture.REDIRECT_URI), fx.ewsScopes())
                                .responseMode(mode)
                                .prompt(Prompt.SELECT_ACCOUNT)
                                .loginHint(upn)
                                .build());
    }

    Map<String, String> browse(SignInStart start, Person person) throws Exception {
        return new SignInBrowser(EMULATOR.emulator().sslContext())
                .signIn(start.authorizationUrl(), EntraFixture.REDIRECT_URI, person)
                .params();
    }

    SignedInAccount authorize(String upn) throws Exception {
        SignInStart start = start(upn, ResponseMode.QUERY);
        return signIn().complete(start.pending(), browse(start, Person.of(upn, EntraFixture.PASSWORD)));
    }

    TokenSource tokens(String upn) {
        return EntraTokens.delegated(fx.webApp(), fx.ewsScopes(), store, "mbx-" + upn, fx.http());
    }

    static void assertExplained(SignInFailure f, FailureCategory category, int code, String fixMentions) {
        assertThat(f.category()).isEqualTo(category);
        assertThat(f.code()).contains(code);
        assertThat(f.traceId()).isPresent();
        assertThat(f.correlationId()).isPresent();
        assertThat(f.timestamp()).isPresent();
        assertThat(f.fix()).containsIgnoringCase(fixMentions);
        assertThat(f.getMessage()).contains(f.fix(), "AADSTS" + code, "trace ID", "correlation ID");
    }

    static SignInFailure failure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return (SignInFailure) org.assertj.core.api.Assertions.catchThrowable(call);
    }

    @Test
    void signInUrlCarriesStateNoncePkceAndHints() {
        String upn = fx.newUser();
        SignInStart start = start(upn, ResponseMode.FORM_POST);
        Map<String, String> q = query(start.authorizationUrl());
        PendingSignIn p = start.pending();
        assertThat(start.authorizationUrl().toString())
                .startsWith(EMULATOR.emulator().loginUrl() + "/" + fx.tenantId() + "/oauth2/v2.0/authorize");
        assertThat(q)
                .containsEntry("client_id", fx.webClientId())
                .containsEntry("state", p.state())
                .containsEntry("nonce", p.nonce().reveal())
                .containsEntry(
                        "code_challenge", Pkce.challengeOf(p.codeVerifier().reveal()))
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("response_mode", "form_post")
                .containsEntry("prompt", "select_account")
                .containsEntry("login_hint", upn)
                .containsEntry("redirect_uri", EntraFixture.REDIRECT_URI);
        assertThat(q.get("scope")).contains(fx.cloud().ewsDelegatedScope(), "offline_access");
        assertThat(start.authorizationUrl().toString())
                .doesNotContain(p.codeVerifier().reveal());
        assertThat(query(start(upn, ResponseMode.QUERY).authorizationUrl())).containsEntry("response_mode", "query");
    }

    @Test
    void queryModeCallbacksWork() throws Exception {
        String upn = fx.newUser();
        SignInStart start = start(upn, ResponseMode.QUERY);
        Map<String, String> callback = browse(start, Person.of(upn, EntraFixture.PASSWORD));
        assertThat(callback).containsKeys("code", "state");
        assertThat(signIn().complete(start.pending(), callback).username()).isEqualToIgnoringCase(upn);
    }

    @Test
    void logsNeverCarryTokensCodesOrSecrets() throws Exception {
        ch.qos.logback.classic.Logger root =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            String upn = fx.newUser();
            SignInStart start = start(upn, ResponseMode.QUERY);
            Map<String, String> callback = browse(start, Person.of(upn, EntraFixture.PASSWORD));
            SignedInAccount account = signIn().complete(start.pending(), callback);
            String firstRefresh = store.load("mbx-" + upn).orElseThrow().reveal();
            TokenSource tokens = tokens(upn);
            String access = tokens.refreshNow().value().reveal();
            String secondRefresh = store.load("mbx-" + upn).orElseThrow().reveal();
            EMULATOR.emulator().clock().advance(java.time.Duration.ofDays(91));
            catchFailure(tokens::refreshNow);
            StringBuilder all = new StringBuilder();
            for (var event : logs.list) {
                all.append(event.getFormattedMessage()).append('\n');
                for (var t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                    all.append(t.getMessage()).append('\n');
                }
            }
            assertThat(all.toString())
                    .isNotEmpty()
                    .doesNotContain(callback.get("code"))
                    .doesNotContain(account.accessToken().value().reveal())
                    .doesNotContain(access)
                    .doesNotContain(firstRefresh)
                    .doesNotContain(secondRefresh)
                    .doesNotContain(start.pending().codeVerifier().reveal())
                    .doesNotContain(EntraFixture.WEB_SECRET)
                    .doesNotContain(EntraFixture.PASSWORD);
        } finally {
            root.detachAppender(logs);
        }
    }

    static void catchFailure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(call)).isInstanceOf(SignInFailure.class);
    }

    @Test
    void authorizationCodeThenRefreshRotatesTheRefreshTokenIntoTheStore() throws Exception {
        String upn = fx.newUser();
        SignedInAccount account = authorize(upn);
        assertThat(account.username()).isEqualToIgnoringCase(upn);
        assertThat(account.tenantId()).contains(fx.tenantId());
        assertThat(account.accessToken().expiresOn()).isAfter(java.time.Instant.now());
        Secret first = store.load("mbx-" + upn).orElseThrow();
        assertThat(store.saveCount()).isEqualTo(1);

        TokenSource tokens = tokens(upn);
        String access = tokens.token().value().reveal();
        Secret second = store.load("mbx-" + upn).orElseThrow();
        assertThat(second).isNotEqualTo(first);
        assertThat(tokens.token().value().reveal()).isEqualTo(access); // cached, no new request
        assertThat(store.saveCount()).isEqualTo(2);

        tokens.refreshNow();
        assertThat(store.load("mbx-" + upn).orElseThrow()).isNotEqualTo(second);
        assertThat(store.saveCount()).isEqualTo(3);
    }

    @Test
    void manyThreadsShareOneRefresh() throws Exception {
        String upn = fx.newUser();
        authorize(upn);
        TokenSource tokens = tokens(upn);
        int before = store.saveCount();
        int threads = 48;
        java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(threads);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    barrier.await();
                    return tokens.token().value().reveal();
                }));
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (var r : results) {
                seen.add(r.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(seen).hasSize(1);
            // Each redemption rotates the refresh token once: one save means one token request.
            assertThat(store.saveCount() - before).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void formPostCallbackWorksToo() throws Exception {
        String upn = fx.newUser();
        SignInStart start = start(upn, ResponseMode.FORM_POST);
        SignedInAccount account =
                signIn().complete(start.pending(), browse(start, Person.of(upn, EntraFixture.PASSWORD)));
        assertThat(account.username()).isEqualToIgnoringCase(upn);
    }

    @Test
    void declinedConsentComesBackAsAnExplainedCallbackError() throws Exception {
        String upn = fx.newUser();
        SignInStart start = start(upn, ResponseMode.QUERY);
        Map<String, String> callback =
                browse(start, Person.of(upn, EntraFixture.PASSWORD).declining());
        assertThat(callback).containsKey("error");
        SignInFailure f = failure(() -> signIn().complete(start.pending(), callback));
        assertThat(f.error()).isEqualTo("access_denied");
        assertThat(f.httpStatus()).isZero();
        assertExplained(f, FailureCategory.ADMIN_CONSENT, 65004, "consent");
    }

    @Test
    void aCallbackForAnotherSignInIsRefused() throws Exception {
        String upn = fx.newUser();
        SignInStart start = start(upn, ResponseMode.QUERY);
        Map<String, String> callback = new HashMap<>(browse(start, Person.of(upn, EntraFixture.PASSWORD)));
        callback.put("state", "forged");
        SignInFailure f = failure(() -> signIn().complete(start.pending(), callback));
        assertThat(f.category()).isEqualTo(FailureCategory.REAUTHORIZE);
        assertThat(f.getMessage()).contains("state mismatch").doesNotContain(callback.get("code"));
        assertThat(store.saveCount()).isZero();
    }

    @Test
    void aCodeRedeemedTwiceIsExplained() throws Exception {
        String upn = fx.newUser();
        SignInStart start = start(upn, ResponseMode.QUERY);
        Map<String, String> callback = browse(start, Person.of(upn, EntraFixture.PASSWORD));
        signIn().complete(start.pending(), callback);
        SignInFailure f = failure(() -> signIn().complete(start.pending(), callback));
        assertExplained(f, FailureCategory.REAUTHORIZE, 54005, "sign-in again");
        assertThat(f.toString()).doesNotContain(callback.get("code"));
    }

    @Test
    void aWrongPkceVerifierIsExplained() throws Exception {
        String upn = fx.newUser();
        SignInStart start = start(upn, ResponseMode.QUERY);
        Map<String, String> callback = browse(start, Person.of(upn, EntraFixture.PASSWORD));
        PendingSignIn p = start.pending();
        PendingSignIn other = new PendingSignIn(
                p.accountKey(),
                p.state(),
                p.nonce(),
                Pkce.generate().verifier(),
                p.redirectUri(),
                p.scopes(),
                p.startedAt());
        assertExplained(
                failure(() -> signIn().complete(other, callback)),
                FailureCategory.REAUTHORIZE,
                501481,
                "sign-in again");
    }

    @Test
    void anUnregisteredRedirectUriIsExplained() throws Exception {
        String upn = fx.newUser();
        SignInStart start = start(upn, ResponseMode.QUERY);
        Map<String, String> callback = browse(start, Person.of(upn, EntraFixture.PASSWORD));
        PendingSignIn p = start.pending();
        PendingSignIn moved = new PendingSignIn(
                p.accountKey(),
                p.state(),
                p.nonce(),
                p.codeVerifier(),
                URI.create("https://elsewhere.test/callback"),
                p.scopes(),
                p.startedAt());
        assertExplained(
                failure(() -> signIn().complete(moved, callback)),
                FailureCategory.APP_CONFIGURATION,
                50011,
                "redirect URI");
    }

    @Test
    void ninetyOneIdleDaysLapseTheAuthorization() throws Exception {
        String upn = fx.newUser();
        authorize(upn);
        EMULATOR.emulator().clock().advance(java.time.Duration.ofDays(91));
        SignInFailure f = failure(() -> tokens(upn).refreshNow());
        assertExplained(f, FailureCategory.REAUTHORIZE, 700082, "sign in again");
        assertThat(f.error()).isEqualTo("invalid_grant");
        assertThat(f.suberror()).contains("bad_token");
        assertThat(f.entraDescription()).contains("90.00:00:00");
        assertThat(f.retryable()).isFalse();
    }

    @Test
    void proactiveRefreshKeepsAnIdleMailboxAlivePastNinetyDays() throws Exception {
        String upn = fx.newUser();
        authorize(upn);
        TokenSource tokens = tokens(upn);
        for (int i = 0; i < 3; i++) { // 3 x 60 days, refreshed each time: 180 days in all
            EMULATOR.emulator().clock().advance(java.time.Duration.ofDays(60));
            assertThat(tokens.refreshNow().value().reveal()).isNotBlank();
        }
        assertThat(store.saveCount()).isEqualTo(4);
    }

    @Test
    void revokedSessionsAreExplained() throws Exception {
        String upn = fx.newUser();
        authorize(upn);
        EMULATOR.emulator().clock().advance(java.time.Duration.ofSeconds(2));
        fx.directory().revokeSessions(fx.tenantId(), upn);
        assertExplained(failure(() -> tokens(upn).refreshNow()), FailureCategory.REAUTHORIZE, 50173, "sign in again");
    }

    @Test
    void aPasswordChangeIsExplained() throws Exception {
        String upn = fx.newUser();
        authorize(upn);
        EMULATOR.emulator().clock().advance(java.time.Duration.ofSeconds(2));
        fx.directory().setPassword(fx.tenantId(), upn, "N3w-Password!");
        SignInFailure f = failure(() -> tokens(upn).refreshNow());
        assertExplained(f, FailureCategory.REAUTHORIZE, 50173, "sign in again");
        assertThat(f.plainMessage()).contains("password");
    }

    @Test
    void withdrawnConsentIsExplained() throws Exception {
        String upn = fx.newUser();
        authorize(upn);
        fx.directory().revokeUserConsent(fx.tenantId(), fx.webClientId(), upn);
        assertExplained(failure(() -> tokens(upn).refreshNow()), FailureCategory.ADMIN_CONSENT, 65001, "admin consent");
    }

    @Test
    void newlyRequiredMfaIsExplained() throws Exception {
        String upn = fx.newUser();
        authorize(upn);
        fx.patchUser(upn, "\"mfaRequired\": true");
        assertExplained(
                failure(() -> tokens(upn).refreshNow()), FailureCategory.MFA_OR_CONDITIONAL_ACCESS, 50076, "MFA");
    }

    @Test
    void mfaUsersSignInInteractivelyWithTheirSecondFactor() throws Exception {
        String upn = fx.newUser("\"mfaRequired\": true");
        SignedInAccount account = authorize(upn);
        assertThat(account.username()).isEqualToIgnoringCase(upn);
        assertThat(tokens(upn).refreshNow().value().reveal()).isNotBlank(); // the refresh token carries the MFA
    }

    @Test
    void conditionalAccessBlocksAreExplained() throws Exception {
        String upn = fx.newUser();
        authorize(upn);
        fx.patchUser(upn, "\"blockedByConditionalAccess\": true");
        assertExplained(
                failure(() -> tokens(upn).refreshNow()),
                FailureCategory.MFA_OR_CONDITIONAL_ACCESS,
                53003,
                "sign-in logs");
    }

    @Test
    void anInvalidScopeIsExplained() throws Exception {
        String upn = fx.newUser();
        authorize(upn);
        TokenSource wrongScope = EntraTokens.delegated(
                fx.webApp(),
                java.util.Set.of(fx.cloud().exchangeResource() + "/No.Such.Permission"),
                store,
                "mbx-" + upn,
                fx.http());
        assertExplained(failure(wrongScope::refreshNow), FailureCategory.APP_CONFIGURATION, 70011, "scope");
    }

    @Test
    void noStoredRefreshTokenMeansSignIn() {
        SignInFailure f = failure(() -> tokens("nobody@" + fx.domain()).token());
        assertThat(f.category()).isEqualTo(FailureCategory.REAUTHORIZE);
        assertThat(f.code()).isEmpty();
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    @Test
    void secretsNeverAppearInFailures() throws Exception {
        String upn = fx.newUser();
        authorize(upn);
        String refreshToken = store.load("mbx-" + upn).orElseThrow().reveal();
        EMULATOR.emulator().clock().advance(java.time.Duration.ofDays(91));
        SignInFailure f = failure(() -> tokens(upn).refreshNow());
        assertThat(f.getMessage() + f.entraDescription() + f).doesNotContain(refreshToken, EntraFixture.WEB_SECRET);
        assertThatThrownBy(() -> tokens(upn).token()).isInstanceOf(SignInFailure.class);
    }
}
