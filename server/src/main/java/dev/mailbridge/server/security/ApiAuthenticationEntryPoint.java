package dev.mailbridge.server.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** 401 and 403 for the API as RFC 9457 problem details, saying what to send. */
public class ApiAuthenticationEntryPoint implements AuthenticationEntryPoint, AccessDeniedHandler {
    static final String BAD_KEY = ApiAuthenticationEntryPoint.class.getName() + ".badKey";

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        boolean bad = request.getAttribute(BAD_KEY) != null;
        response.setHeader(
                "WWW-Authenticate",
                bad ? "Bearer error=\"invalid_token\", error_description=\"unknown or revoked API key\"" : "Bearer");
        write(
                response,
                401,
                bad ? "The API key is unknown or was revoked." : "This endpoint needs an API key.",
                "Send 'Authorization: Bearer mbk_...' with a key made under Settings > API keys.");
    }

    @Override
    public void handle(
            HttpServletRequest request,
            HttpServletResponse response,
            org.springframework.security.access.AccessDeniedException e)
            throws IOException {
        write(
                response,
                403,
                "This API key's scopes do not allow this request.",
                "Use a key with the WRITE scope to change things, ADMIN for users, keys and settings.");
    }

    private static void write(HttpServletResponse response, int status, String detail, String fix) throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.getWriter()
                .write("{\"type\":\"about:blank\",\"title\":\"" + (status == 401 ? "Unauthorized" : "Forbidden")
                        + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\",\"fix\":\"" + fix + "\"}");
    }
}
