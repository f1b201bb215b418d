package dev.mailbridge.emulator.entra;

import dev.mailbridge.emulator.Emulator;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One emulator (default configuration, its own state folder) per test class, with real time restored
 * after every test. (The emulator's own tests cannot use the emulator-junit extension, which depends on
 * this module.)
 */
abstract class EntraEmulatorTest {
    @TempDir
    static Path state;

    static Emulator emulator;

    @BeforeAll
    static void startEmulator() {
        emulator = EntraFixture.start(state);
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @AfterEach
    void resetClock() {
        emulator.clock().reset();
    }
}
