package dev.mailbridge.bench;

import java.util.List;

/**
 * A running token server under test. It hands out scenarios whose workers are ready to call
 * (clients built, initial refresh tokens obtained) and closes their clients with itself.
 */
interface Target extends AutoCloseable {
    String name();

    /** The transports this target offers, in the order they are measured: "http", "https". */
    List<String> transports();

    Scenario clientCredentials(String transport, int threads) throws Exception;

    Scenario refresh(String transport, int threads) throws Exception;

    @Override
    void close();
}
