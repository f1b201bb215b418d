package dev.mailbridge.bench;

import java.util.List;

/**
 * One row of the results table: which server, over which transport, with which grant, driven by
 * one {@link Worker} per thread (prepared before the clock starts).
 */
public record Scenario(String server, String transport, String grant, List<Worker> workers) {
    public Scenario {
        workers = List.copyOf(workers);
    }
}
