package dev.mailbridge.emulator;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A protocol surface the emulator serves on every listener: Entra ID now, Exchange (EWS,
 * Autodiscover) and Microsoft Graph later. The server offers each request to the services in turn.
 */
public interface EmulatorService {
    /**
     * Handles the request if its path is this service's, completing {@code callback}; returns false,
     * without touching the response, to let the next service try.
     */
    boolean handle(Request request, Response response, Callback callback, Endpoint endpoint) throws Exception;
}
