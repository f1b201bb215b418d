package dev.mailbridge.emulator.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.EmulatorService;
import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.entra.EntraService;
import java.nio.file.Path;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Exchange Web Services ({@code /EWS/Exchange.asmx}) over the emulator's mailbox store. */
public final class ExchangeService implements EmulatorService {
    private ExchangeService() {}

    /**
     * @param config the whole configuration file
     * @param entra the directory (tenants, users) and the tokens it issued
     */
    public static ExchangeService create(JsonNode config, EmulatorClock clock, EntraService entra, Path stateDir) {
        return new ExchangeService();
    }

    /** The EWS path clients call, e.g. {@code /EWS/Exchange.asmx}; null while EWS is not served. */
    public String ewsPath() {
        return null;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback, Endpoint endpoint) {
        return false;
    }
}
