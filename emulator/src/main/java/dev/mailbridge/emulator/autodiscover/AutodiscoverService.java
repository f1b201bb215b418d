package dev.mailbridge.emulator.autodiscover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.EmulatorService;
import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.entra.EntraService;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Autodiscover: SOAP GetUserSettings, POX and the v2 JSON endpoint, with redirects. */
public final class AutodiscoverService implements EmulatorService {
    private AutodiscoverService() {}

    public static AutodiscoverService create(JsonNode config, EmulatorClock clock, EntraService entra) {
        return new AutodiscoverService();
    }

    /** The SOAP Autodiscover path, e.g. {@code /autodiscover/autodiscover.svc}; null while not served. */
    public String soapPath() {
        return null;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback, Endpoint endpoint) {
        return false;
    }
}
