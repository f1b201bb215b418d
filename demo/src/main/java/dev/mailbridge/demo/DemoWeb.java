package dev.mailbridge.demo;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.deliver.DeliveryTargetStore;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * What the demo adds to the server: the webhook inspector (its receiving endpoint, its page) and the guide
 * on the home page. The production server has none of it: it never offers an unauthenticated endpoint.
 */
@Configuration(proxyBeanMethods = false)
@Import(InspectorController.class)
class DemoWeb {
    /** What {@link DemoMain} hands the demo's beans. */
    record Options(Path root, Duration trickle) {}

    /** Before the server's chains: the inspector's endpoint takes signed posts without a session or CSRF. */
    @Bean
    @Order(0)
    SecurityFilterChain demoWebhook(HttpSecurity http) throws Exception {
        http.securityMatcher(WebhookInspector.PATH)
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }

    @Bean
    WebhookInspector webhookInspector(DeliveryTargetStore targets, Options options) {
        return new WebhookInspector(targets, options.root().resolve("inspector.jsonl"));
    }

    @Bean
    DemoGuide demoGuide(MailboxServices services, WebhookInspector inspector, Options options) {
        return new DemoGuide(services, inspector, options.trickle());
    }
}
