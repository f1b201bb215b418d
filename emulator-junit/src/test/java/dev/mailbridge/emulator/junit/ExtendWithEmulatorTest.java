package dev.mailbridge.emulator.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.emulator.Emulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmulatorExtension.class)
class ExtendWithEmulatorTest {
    static Emulator started;

    @BeforeAll
    static void remember(Emulator emulator) {
        started = emulator;
    }

    @Test
    void resolvesTheEmulatorInLifecycleMethodsAndTests(Emulator emulator) {
        assertThat(emulator).isSameAs(started);
        assertThat(emulator.describe().path("tenants").size()).isPositive();
        assertThat(emulator.caCertificate()).exists();
    }
}
