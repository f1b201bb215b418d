package dev.mailbridge.emulator.junit;

import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a Mailbridge emulator on free ports before a test class and stops it after. Either
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();
 * ... EMULATOR.emulator().loginUrl() ...
 * }</pre>
 *
 * or {@code @ExtendWith(EmulatorExtension.class)} and an {@link Emulator} parameter on a test,
 * constructor or lifecycle method. Each test class gets its own emulator, so state changed by one
 * class (users, consents, the clock) never leaks into another.
 */
public final class EmulatorExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final EmulatorOptions options;
    private Emulator emulator;

    /** For {@code @ExtendWith}: the default configuration on free ports. */
    public EmulatorExtension() {
        this(EmulatorOptions.defaults());
    }

    private EmulatorExtension(EmulatorOptions options) {
        this.options = options;
    }

    public static EmulatorExtension withDefaults() {
        return new EmulatorExtension(EmulatorOptions.defaults());
    }

    /** A configuration file of your own (YAML or JSON, the format of {@code ./mailbridge emulator --config}). */
    public static EmulatorExtension withConfig(Path configFile) {
        return new EmulatorExtension(
                EmulatorOptions.builder().configFile(configFile).build());
    }

    /** Configuration given inline, as YAML or JSON text. */
    public static EmulatorExtension withConfigText(String config) {
        return new EmulatorExtension(
                EmulatorOptions.builder().configText(config).build());
    }

    /** Full control over the options; ports default to free ones and the state to a temporary folder. */
    public static EmulatorExtension withOptions(EmulatorOptions options) {
        return new EmulatorExtension(options);
    }

    /** The running emulator; available from {@code @BeforeAll} on. */
    public Emulator emulator() {
        if (emulator == null) {
            throw new IllegalStateException(
                    "The emulator starts before all tests of the class; register the extension on a static field.");
        }
        return emulator;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (emulator == null) {
            emulator = Emulator.start(
                    options.httpsPort() == null
                            ? options.toBuilder().httpsPort(0).build()
                            : options);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Emulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
            throws ParameterResolutionException {
        return emulator();
    }
}
