package dev.mailbridge.server.api;

import dev.mailbridge.core.store.TestDatabases;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API journeys on PostgreSQL (127.0.0.1:5432, database test, a fresh schema). */
class ApiJourneysPostgresTest extends ApiJourneys {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        properties(registry, TestDatabases.Kind.POSTGRESQL);
    }
}
