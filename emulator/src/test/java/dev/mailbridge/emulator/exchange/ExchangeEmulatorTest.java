package dev.mailbridge.emulator.exchange;

import static dev.mailbridge.emulator.exchange.EwsTestSupport.impersonate;

import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One emulator per test class (HTTPS and plain HTTP), an app-only token for Contoso, fresh mailboxes
 * on demand, and faults, notification settings and the clock put back after every test.
 */
abstract class ExchangeEmulatorTest {
    static final String CONTOSO_ID = "c0a7c0a7-0000-4000-8000-000000000001";
    static Emulator emulator;
    static EwsTestSupport ews;
    static String appToken;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = Emulator.start(
                EmulatorOptions.builder().httpsPort(0).httpPort(0).build());
        ews = new EwsTestSupport(emulator);
        appToken = ews.appToken();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @AfterEach
    void resetEmulator() {
        emulator.exchange().faults().reset();
        emulator.exchange().notifications().reset();
        emulator.clock().reset();
    }

    /** A fresh Contoso mailbox, reached with the app-only token and impersonation. */
    static String freshMailbox() {
        String smtp = "mbx-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.onmicrosoft.com";
        emulator.exchange().store().createMailbox(smtp, "Test " + smtp, CONTOSO_ID);
        return smtp;
    }

    static EwsTestSupport.Soap asApp(String smtp, String body) throws Exception {
        return ews.call("Bearer " + appToken, impersonate(smtp), body, Map.of("X-AnchorMailbox", smtp));
    }
}
