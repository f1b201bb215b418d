package dev.mailbridge.server.api;

import dev.mailbridge.core.store.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API journeys on the embedded H2 database. */
class ApiJourneysH2Test extends ApiJourneys {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        properties(registry, TestDatabases.Kind.H2);
    }
}
