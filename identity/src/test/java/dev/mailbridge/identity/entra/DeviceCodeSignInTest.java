package dev.mailbridge.identity.entra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.emulator.junit.SignInBrowser.Person;
import dev.mailbridge.identity.failure.FailureCategory;
import dev.mailbridge.identity.failure.SignInFailure;
import dev.mailbridge.identity.signin.DeviceCodePrompt;
import dev.mailbridge.identity.signin.SignedInAccount;
import dev.mailbridge.identity.testing.EntraFixture;
import dev.mailbridge.identity.token.InMemoryRefreshTokenStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Device code sign-in: the flow polls while the "person" enters the code in the emulator's pages. */
class DeviceCodeSignInTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static EntraFixture fx;

    @BeforeAll
    static void tenant() {
        fx = new EntraFixture(EMULATOR.emulator());
    }

    /** Runs the sign-in in the background; the prompt callback hands the code to the test thread. */
    record Running(CompletableFuture<DeviceCodePrompt> prompt, CompletableFuture<SignedInAccount> result) {}

    Running start(InMemoryRefreshTokenStore store, String accountKey) {
        CompletableFuture<DeviceCodePrompt> prompt = new CompletableFuture<>();
        CompletableFuture<SignedInAccount> result =
                // A plain thread, as a server's request thread would be (not a fork-join worker).
                CompletableFuture.supplyAsync(
                        () -> new DeviceCodeSignIn(fx.publicApp(), fx.http(), store)
                                .run(accountKey, fx.ewsScopes(), prompt::complete),
                        Executors.newSingleThreadExecutor());
        result.whenComplete((r, e) -> {
            if (e != null) {
                prompt.completeExceptionally(e);
            }
        });
        return new Running(prompt, result);
    }

    @Test
    void signsInWhenThePersonEntersTheCodeThenRefreshes() throws Exception {
        String upn = fx.newUser();
        InMemoryRefreshTokenStore store = new InMemoryRefreshTokenStore();
        Running running = start(store, "mbx-device");
        DeviceCodePrompt prompt = running.prompt().get(30, TimeUnit.SECONDS);
        assertThat(prompt.message()).contains(prompt.userCode());
        assertThat(prompt.verificationUri().toString())
                .startsWith(EMULATOR.emulator().loginUrl().toString());

        new SignInBrowser(EMULATOR.emulator().sslContext())
                .enterDeviceCode(prompt.verificationUri(), prompt.userCode(), Person.of(upn, EntraFixture.PASSWORD));

        SignedInAccount account = running.result().get(60, TimeUnit.SECONDS);
        assertThat(account.username()).isEqualToIgnoringCase(upn);
        assertThat(store.load("mbx-device")).isPresent();

        var tokens = EntraTokens.delegated(fx.publicApp(), fx.ewsScopes(), store, "mbx-device", fx.http());
        assertThat(tokens.refreshNow().value().reveal()).isNotBlank();
        assertThat(store.saveCount()).isEqualTo(2);
    }

    /**
     * A device-code sign-in waits for minutes; meanwhile every other token request of the process must go on
     * (MSAL's default executor, the common pool, has one worker on a two-core machine).
     */
    @Test
    void otherTokenRequestsGoOnWhileADeviceCodeSignInWaits() throws Exception {
        String upn = fx.newUser();
        InMemoryRefreshTokenStore store = new InMemoryRefreshTokenStore();
        Running running = start(store, "mbx-waiting");
        DeviceCodePrompt prompt = running.prompt().get(30, TimeUnit.SECONDS);

        var daemon = EntraTokens.appOnly(
                fx.daemonWithSecret(EntraFixture.DAEMON_SECRET), fx.cloud().ewsAppScope(), fx.http());
        assertThat(CompletableFuture.supplyAsync(daemon::token, Executors.newSingleThreadExecutor())
                        .get(60, TimeUnit.SECONDS)
                        .value()
                        .reveal())
                .isNotBlank();
        assertThat(running.result()).isNotDone();

        new SignInBrowser(EMULATOR.emulator().sslContext())
                .enterDeviceCode(prompt.verificationUri(), prompt.userCode(), Person.of(upn, EntraFixture.PASSWORD));
        assertThat(running.result().get(60, TimeUnit.SECONDS).username()).isEqualToIgnoringCase(upn);
    }

    @Test
    void aDeclinedSignInIsExplained() throws Exception {
        String upn = fx.newUser();
        InMemoryRefreshTokenStore store = new InMemoryRefreshTokenStore();
        Running running = start(store, "mbx-declined");
        DeviceCodePrompt prompt = running.prompt().get(30, TimeUnit.SECONDS);
        new SignInBrowser(EMULATOR.emulator().sslContext())
                .enterDeviceCode(
                        prompt.verificationUri(),
                        prompt.userCode(),
                        Person.of(upn, EntraFixture.PASSWORD).declining());
        Throwable t = catchThrowable(() -> running.result().get(60, TimeUnit.SECONDS));
        assertThat(t.getCause()).isInstanceOf(SignInFailure.class);
        SignInFailure f = (SignInFailure) t.getCause();
        assertThat(f.error()).isEqualTo("authorization_declined");
        assertThat(f.category()).isEqualTo(FailureCategory.REAUTHORIZE);
        assertThat(f.traceId()).isPresent();
        assertThat(f.correlationId()).isPresent();
        assertThat(store.saveCount()).isZero();
    }
}
