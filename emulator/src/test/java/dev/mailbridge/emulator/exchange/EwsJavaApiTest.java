package dev.mailbridge.emulator.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Microsoft's own (abandoned) EWS Java API drives the emulator; every request and response it
 * exchanges is validated against Microsoft's schema (through its trace listener).
 */
class EwsJavaApiTest {
    static Emulator emulator;
    static EwsTestSupport ews;

    @BeforeAll
    static void start() {
        emulator = Emulator.start(
                EmulatorOptions.builder().httpsPort(0).httpPort(0).build());
        ews = new EwsTestSupport(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void basicAuthOnPremisesFindFolderFindItemGetItemWithMime() throws Exception {
        emulator.exchange()
                .store()
                .deliver(
                        EwsTestSupport.NANCY,
                        EwsTestSupport.mime(
                                "bob@example.com", EwsTestSupport.NANCY, "Quarterly numbers", "See the numbers."));
        EwsJavaApiScenarios scenarios = new EwsJavaApiScenarios(ews.ewsUrl());
        scenarios.basicAuthOnPremisesFindFolderFindItemGetItemWithMime();
        assertThat(scenarios.validatedCount()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void sendAndSyncFolderItems() throws Exception {
        EwsJavaApiScenarios scenarios = new EwsJavaApiScenarios(ews.ewsUrl());
        scenarios.sendAndSyncFolderItems();
        assertThat(scenarios.validatedCount()).isGreaterThanOrEqualTo(10);
        assertThat(emulator.exchange().store().subjects(EwsTestSupport.NANCY, "sentitems"))
                .containsExactly("Lunch?");
        assertThat(emulator.exchange().store().subjects("administrator@northwind.local", "inbox"))
                .contains("Lunch?", "Second");
    }

    @Test
    void oauthBearerForExchangeOnline() throws Exception {
        String token = ews.adeleToken();
        emulator.exchange()
                .store()
                .deliver(
                        EwsTestSupport.ADELE,
                        EwsTestSupport.mime("carol@example.com", EwsTestSupport.ADELE, "Cloud hello", "hi"));
        EwsJavaApiScenarios scenarios = new EwsJavaApiScenarios(ews.ewsUrl());
        scenarios.oauthBearerForExchangeOnline(token);
        assertThat(scenarios.validatedCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void streamingSubscriptionReceivesNewMail() throws Exception {
        emulator.exchange()
                .notifications()
                .heartbeatInterval(java.time.Duration.ofMillis(500))
                .minuteLength(java.time.Duration.ofSeconds(3));
        try {
            EwsJavaApiScenarios scenarios = new EwsJavaApiScenarios(ews.ewsUrl());
            scenarios.streamingNewMail(
                    EwsTestSupport.NANCY,
                    "Nancy-Passw0rd!",
                    () -> emulator.exchange()
                            .store()
                            .deliver(
                                    EwsTestSupport.NANCY,
                                    EwsTestSupport.mime(
                                            "eve@example.com", EwsTestSupport.NANCY, "Streamed to EWSMA", "hi")));
            assertThat(scenarios.validatedCount()).isGreaterThanOrEqualTo(3);
        } finally {
            emulator.exchange().notifications().reset();
        }
    }

    @Test
    void pullSubscriptionReceivesNewMail() throws Exception {
        EwsJavaApiScenarios scenarios = new EwsJavaApiScenarios(ews.ewsUrl());
        scenarios.pullNewMail(
                "administrator@northwind.local",
                "Northwind-Admin1!",
                () -> emulator.exchange()
                        .store()
                        .deliver(
                                "administrator@northwind.local",
                                EwsTestSupport.mime(
                                        "eve@example.com", "administrator@northwind.local", "Pulled by EWSMA", "hi")));
        assertThat(scenarios.validatedCount()).isGreaterThanOrEqualTo(6);
    }
}
