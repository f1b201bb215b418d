package dev.mailbridge.server.security;

import dev.mailbridge.core.model.ApiKey;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates API requests by key: {@code Authorization: Bearer mbk_...} or {@code X-Api-Key}.
 * The principal is {@code apikey:<name>}; authorities are {@code SCOPE_READ}, {@code SCOPE_WRITE},
 * {@code SCOPE_ADMIN}.
 */
public class ApiKeyFilter extends OncePerRequestFilter {
    private final ApiKeys keys;

    public ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> presented = presented(request);
        if (presented.isPresent()) {
            Optional<ApiKey> key = keys.verify(presented.get());
            if (key.isPresent()) {
                List<SimpleGrantedAuthority> authorities = key.get().scopes().stream()
                        .map(s -> new SimpleGrantedAuthority("SCOPE_" + s.name()))
                        .toList();
                var auth = UsernamePasswordAuthenticationToken.authenticated(
                        "apikey:" + key.get().name(), null, authorities);
                SecurityContextHolder.getContext().setAuthentication(auth);
            } else {
                request.setAttribute(ApiAuthenticationEntryPoint.BAD_KEY, Boolean.TRUE);
            }
        }
        chain.doFilter(request, response);
    }

    private static Optional<String> presented(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(header.substring(7).strip());
        }
        return Optional.ofNullable(request.getHeader("X-Api-Key")).map(String::strip);
    }
}
