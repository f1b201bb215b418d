package dev.mailbridge.identity.entra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.identity.cloud.Cloud;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.SignInFailure;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.testing.EntraFixture;
import dev.mailbridge.identity.token.AccessToken;
import dev.mailbridge.identity.token.BearerAuthenticator;
import dev.mailbridge.identity.token.TokenSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Client credentials with a secret and with a certificate, and their failures, against the emulator. */
class AppOnlyTokensTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static EntraFixture fx;

    @BeforeAll
    static void tenant() {
        fx = new EntraFixture(EMULATOR.emulator());
    }

    @AfterEach
    void resetClock() {
        EMULATOR.emulator().clock().reset();
    }

    static SignInFailure failure(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(SignInFailure.class);
        return (SignInFailure) t;
    }

    static void assertExplained(SignInFailure f, FailureCategory category, int code, String fixMentions) {
        DelegatedSignInTest.assertExplained(f, category, code, fixMentions);
        assertThat(f.httpStatus()).isIn(400, 401); // Entra answers invalid_client with 401
    }

    static String payload(AccessToken token) {
        return new String(Base64.getUrlDecoder().decode(token.value().reveal().split("\\.")[1]));
    }

    @Test
    void clientSecretGetsAnEwsToken() {
        TokenSource tokens = EntraTokens.appOnly(
                fx.daemonWithSecret(EntraFixture.DAEMON_SECRET), fx.cloud().ewsAppScope(), fx.http());
        AccessToken token = tokens.token();
        assertThat(token.expiresOn()).isAfter(Instant.now().plus(Duration.ofMinutes(30)));
        assertThat(payload(token)).contains("full_access_as_app", "https://outlook.office365.com");
        assertThat(tokens.token()).isSameAs(token);
        assertThat(new BearerAuthenticator(tokens).authorizationHeader())
                .isEqualTo("Bearer " + token.value().reveal());
        assertThat(tokens.refreshNow()).isNotSameAs(token);
    }

    @Test
    void certificateGetsAnEwsToken() {
        TokenSource tokens =
                EntraTokens.appOnly(fx.daemonWithCertificate(), fx.cloud().ewsAppScope(), fx.http());
        assertThat(payload(tokens.token())).contains("full_access_as_app");
    }

    @Test
    void aWrongSecretIsExplained() {
        SignInFailure f = failure(() -> EntraTokens.appOnly(
                        fx.daemonWithSecret("the-secret-id-not-its-value"),
                        fx.cloud().ewsAppScope(),
                        fx.http())
                .token());
        assertExplained(f, FailureCategory.APP_CREDENTIAL, 7000215, "secret's Value");
        assertThat(f.error()).isEqualTo("invalid_client");
        assertThat(f.getMessage() + f.entraDescription()).doesNotContain("the-secret-id-not-its-value");
    }

    @Test
    void anExpiredSecretIsExplained() {
        String value = "short-lived-" + UUID.randomUUID();
        fx.directory()
                .addSecret(
                        fx.tenantId(), fx.daemonClientId(), value, Instant.now().plus(Duration.ofDays(1)));
        TokenSource tokens =
                EntraTokens.appOnly(fx.daemonWithSecret(value), fx.cloud().ewsAppScope(), fx.http());
        assertThat(tokens.token().value().reveal()).isNotBlank();
        EMULATOR.emulator().clock().advance(Duration.ofDays(2));
        assertExplained(failure(tokens::refreshNow), FailureCategory.APP_CREDENTIAL, 7000222, "new client secret");
    }

    @Test
    void anAssertionOutsideEntrasClockIsExplainedAsClockSkew() {
        // Entra's clock runs an hour ahead of ours: MSAL's fresh assertion (valid ~10 minutes) has expired there.
        EMULATOR.emulator().clock().advance(Duration.ofHours(1));
        SignInFailure f = failure(
                () -> EntraTokens.appOnly(fx.daemonWithCertificate(), fx.cloud().ewsAppScope(), fx.http())
                        .token());
        assertExplained(f, FailureCategory.CLOCK_SKEW, 700024, "clock");
    }

    @Test
    void anUnknownTenantIsExplained() {
        AppRegistration app = new AppRegistration(
                fx.cloud(),
                "no-such-tenant.onmicrosoft.com",
                fx.daemonClientId(),
                fx.daemonWithSecret(EntraFixture.DAEMON_SECRET).credential());
        assertExplained(
                failure(() -> EntraTokens.appOnly(app, fx.cloud().ewsAppScope(), fx.http())
                        .token()),
                FailureCategory.WRONG_TENANT_OR_CLOUD,
                90002,
                "tenant");
    }

    @Test
    void aTenantOfAnotherCloudIsExplained() {
        // The right tenant and app, but the connection says GCC High: that cloud's Entra does not know the tenant.
        AppRegistration app = fx.daemonWithSecret(EntraFixture.DAEMON_SECRET)
                .withCloud(Cloud.US_GOV_HIGH
                        .profile()
                        .withAuthorityBase(EMULATOR.emulator().loginUrl(dev.mailbridge.emulator.Cloud.USGOV)));
        assertExplained(
                failure(() -> EntraTokens.appOnly(app, app.cloud().ewsAppScope(), fx.http())
                        .token()),
                FailureCategory.WRONG_TENANT_OR_CLOUD,
                90002,
                "cloud");
    }

    @Test
    void anUnknownClientIdIsExplained() {
        AppRegistration app = new AppRegistration(
                fx.cloud(),
                fx.tenantId(),
                UUID.randomUUID().toString(),
                fx.daemonWithSecret(EntraFixture.DAEMON_SECRET).credential());
        assertExplained(
                failure(() -> EntraTokens.appOnly(app, fx.cloud().ewsAppScope(), fx.http())
                        .token()),
                FailureCategory.WRONG_TENANT_OR_CLOUD,
                700016,
                "client ID");
    }

    @Test
    void aResourceOfAnotherCloudIsExplained() {
        String gccHighEws = Cloud.US_GOV_HIGH.profile().ewsAppScope();
        assertExplained(
                failure(() -> EntraTokens.appOnly(
                                fx.daemonWithSecret(EntraFixture.DAEMON_SECRET), gccHighEws, fx.http())
                        .token()),
                FailureCategory.WRONG_TENANT_OR_CLOUD,
                500011,
                "cloud");
    }

    @Test
    void anUntrustedServerCertificateIsAConnectionFailure() {
        SignInFailure f = failure(() -> EntraTokens.appOnly(
                        fx.daemonWithSecret(EntraFixture.DAEMON_SECRET),
                        fx.cloud().ewsAppScope(),
                        HttpSettings.defaults())
                .token());
        assertThat(f.category()).isEqualTo(FailureCategory.CONNECTION);
        assertThat(f.fix()).contains("CA certificate");
        assertThat(f.retryable()).isTrue();
    }

    @Test
    void theEmulatorCaCanBeAddedToTheJdkDefaults() throws Exception {
        HttpSettings added = HttpSettings.builder()
                .trustPem(EMULATOR.emulator().caCertificate())
                .build();
        assertThat(EntraTokens.appOnly(
                                fx.daemonWithSecret(EntraFixture.DAEMON_SECRET),
                                fx.cloud().ewsAppScope(),
                                added)
                        .token()
                        .value()
                        .reveal())
                .isNotBlank();
    }
}
