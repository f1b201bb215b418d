package dev.mailbridge.server.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Three doors. {@code /graph/notifications}: open to anyone, stateless, no CSRF, since Microsoft Graph
 * posts change notifications there without credentials (each notification proves itself by its
 * subscription's secret clientState, checked in the core). {@code /api/**} (and the Prometheus scrape): API
 * keys only, stateless, no cookies, so no CSRF. Everything else: the web UI with form sign-in, a session cookie (Secure, HttpOnly,
 * SameSite=Lax), CSRF tokens on every form, strict security headers and login rate limiting.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
public class SecurityConfig {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    @Order(0)
    SecurityFilterChain graphNotifications(HttpSecurity http) throws Exception {
        http.securityMatcher("/graph/notifications")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .headers(SecurityConfig::headers)
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiKeys keys) throws Exception {
        ApiAuthenticationEntryPoint problems = new ApiAuthenticationEntryPoint();
        http.securityMatcher("/api/**", "/actuator/prometheus")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .addFilterBefore(new ApiKeyFilter(keys), UsernamePasswordAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .headers(SecurityConfig::headers)
                .authorizeHttpRequests(
                        a -> a.requestMatchers("/api/v1/admin/**", "/api/v1/api-keys/**", "/api/v1/users/**")
                                .hasAuthority("SCOPE_ADMIN")
                                .requestMatchers(HttpMethod.GET, "/api/**", "/actuator/prometheus")
                                .hasAnyAuthority("SCOPE_READ", "SCOPE_WRITE", "SCOPE_ADMIN")
                                .anyRequest()
                                .hasAnyAuthority("SCOPE_WRITE", "SCOPE_ADMIN"));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain ui(HttpSecurity http, LoginThrottle throttle, UserAccounts users) throws Exception {
        SimpleUrlAuthenticationFailureHandler failure = new SimpleUrlAuthenticationFailureHandler("/login?error") {
            @Override
            public void onAuthenticationFailure(
                    HttpServletRequest request,
                    HttpServletResponse response,
                    org.springframework.security.core.AuthenticationException exception)
                    throws java.io.IOException, jakarta.servlet.ServletException {
                throttle.failed(request.getParameter("username"), request.getRemoteAddr());
                super.onAuthenticationFailure(request, response, exception);
            }
        };
        SavedRequestAwareAuthenticationSuccessHandler success = new SavedRequestAwareAuthenticationSuccessHandler() {
            @Override
            public void onAuthenticationSuccess(
                    HttpServletRequest request,
                    HttpServletResponse response,
                    org.springframework.security.core.Authentication authentication)
                    throws java.io.IOException, jakarta.servlet.ServletException {
                throttle.succeeded(authentication.getName());
                super.onAuthenticationSuccess(request, response, authentication);
            }
        };
        success.setDefaultTargetUrl("/");
        http.addFilterBefore(new ThrottleFilter(throttle), UsernamePasswordAuthenticationFilter.class)
                .headers(SecurityConfig::headers)
                .formLogin(f -> f.loginPage("/login")
                        .failureHandler(failure)
                        .successHandler(success)
                        .permitAll())
                .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?signedOut"))
                .userDetailsService(users)
                .authorizeHttpRequests(a -> a.requestMatchers(
                                "/login", "/setup", "/css/**", "/js/**", "/favicon.ico", "/actuator/health", "/error")
                        .permitAll()
                        .requestMatchers("/settings/**", "/users/**", "/api-keys/**", "/audit/**")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated());
        return http.build();
    }

    private static void headers(
            org.springframework.security.config.annotation.web.configurers.HeadersConfigurer<HttpSecurity> h) {
        h.contentSecurityPolicy(c -> c.policyDirectives(CSP))
                .frameOptions(f -> f.deny())
                .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                .permissionsPolicyHeader(p -> p.policy("camera=(), microphone=(), geolocation=()"));
    }

    /** Refuses sign-in attempts while a user name or address is throttled, before checking the password. */
    static final class ThrottleFilter extends OncePerRequestFilter {
        private final LoginThrottle throttle;

        ThrottleFilter(LoginThrottle throttle) {
            this.throttle = throttle;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws jakarta.servlet.ServletException, java.io.IOException {
            if ("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath())) {
                Optional<Duration> wait = throttle.blocked(request.getParameter("username"), request.getRemoteAddr());
                if (wait.isPresent()) {
                    response.sendRedirect(request.getContextPath() + "/login?throttled="
                            + Math.max(1, (wait.get().toSeconds() + 59) / 60));
                    return;
                }
            }
            chain.doFilter(request, response);
        }
    }
}
