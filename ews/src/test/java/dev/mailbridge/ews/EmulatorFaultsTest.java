package dev.mailbridge.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.ews.error.EwsAccessBlockedException;
import dev.mailbridge.ews.error.EwsServerBusyException;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.support.EwsSchema;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import dev.mailbridge.identity.cloud.CloudProfile;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.credential.BasicCredential;
import dev.mailbridge.identity.credential.ClientCredential;
import dev.mailbridge.identity.entra.EntraTokens;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.token.TokenSource;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Throttling, outages and tenant policy as the emulator's Exchange produces them; plain HTTP on-premises. */
class EmulatorFaultsTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withOptions(
            EmulatorOptions.builder().httpsPort(0).httpPort(0).build());

    static final String ADELE = EmulatorEwsTest.ADELE;
    static Emulator emulator;
    static EwsSchema.Validating schema = new EwsSchema.Validating();
    static HttpSettings http;
    static TokenSource appTokens;

    @BeforeAll
    static void setUp() throws Exception {
        emulator = EMULATOR.emulator();
        http = HttpSettings.builder().trustPem(emulator.caCertificate()).build();
        CloudProfile cloud = Cloud.GLOBAL.profile().withAuthorityBase(emulator.loginUrl());
        appTokens = EntraTokens.appOnly(
                AppRegistration.confidential(
                        cloud,
                        EmulatorEwsTest.TENANT,
                        EmulatorEwsTest.WEB_APP,
                        ClientCredential.secret(Secret.of(EmulatorEwsTest.WEB_APP_SECRET))),
                cloud.ewsAppScope(),
                http);
    }

    @AfterEach
    void reset() {
        emulator.exchange().faults().reset();
    }

    static URI ews(URI base) {
        return URI.create(base.toString().replaceAll("/$", "") + "/EWS/Exchange.asmx");
    }

    EwsProtocol.Builder protocol() {
        return EwsProtocol.builder(ews(emulator.loginUrl())).httpSettings(http).requestObserver(schema);
    }

    @Test
    void serverBusyIsWaitedOutThenRetried() {
        EwsClient client = protocol().build().client(SignIn.appOnly(appTokens, ADELE));
        client.folder(FolderRef.inbox());
        emulator.exchange().faults().throttle(1, 300);
        assertThat(client.folder(FolderRef.inbox()).displayName()).isEqualTo("Inbox");
    }

    @Test
    void backOffLongerThanTheBudgetIsReportedWithItsDuration() {
        EwsClient client =
                protocol().retryBudget(Duration.ofSeconds(2)).build().client(SignIn.appOnly(appTokens, ADELE));
        emulator.exchange().faults().throttle(1, 120_000);
        assertThatThrownBy(() -> client.folder(FolderRef.inbox()))
                .isInstanceOfSatisfying(
                        EwsServerBusyException.class,
                        e -> assertThat(e.backOff()).contains(Duration.ofMillis(120_000)));
    }

    @Test
    void unavailableIsRetried() {
        EwsClient client = protocol().build().client(SignIn.appOnly(appTokens, ADELE));
        emulator.exchange().faults().unavailable(1);
        assertThat(client.folder(FolderRef.inbox()).displayName()).isEqualTo("Inbox");
    }

    @Test
    void ewsDisabledForTheTenantIsExplained() {
        EwsClient client = protocol().build().client(SignIn.appOnly(appTokens, ADELE));
        emulator.exchange().faults().organizationEwsEnabled(EmulatorEwsTest.TENANT, false);
        assertThatThrownBy(() -> client.folder(FolderRef.inbox()))
                .isInstanceOf(EwsAccessBlockedException.class)
                .hasMessageContaining("1 April 2027");
    }

    @Test
    void basicOverPlainHttpOnPremisesAndNoSecretsInTheLogs() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.mailbridge.ews");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            URI plain = ews(emulator.httpUrl().orElseThrow());
            EwsClient nancy = EwsProtocol.builder(plain)
                    .requestObserver(schema)
                    .build()
                    .client(SignIn.basic(BasicCredential.of("ews.service@northwind.local", Secret.of("Ews-Service1!"))
                            .impersonating("nancy.davolio@northwind.local")));
            assertThat(nancy.folder(FolderRef.inbox()).displayName()).isEqualTo("Inbox");
            EwsClient adele = protocol().build().client(SignIn.appOnly(appTokens, ADELE));
            adele.folder(FolderRef.inbox());
            String token = appTokens.token().value().reveal();
            assertThat(logs.list).isNotEmpty();
            assertThat(logs.list)
                    .allSatisfy(e -> assertThat(e.getFormattedMessage())
                            .doesNotContain("Ews-Service1!")
                            .doesNotContain(token)
                            .doesNotContain("Basic "));
        } finally {
            logger.detachAppender(logs);
        }
    }
}
