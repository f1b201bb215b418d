package dev.mailbridge.bench;

/**
 * One benchmark client: each call sends one request and checks the answer. A call that returns
 * normally counted as a success; any exception is an error (wrong status, no access token, I/O).
 */
@FunctionalInterface
public interface Worker {
    void call() throws Exception;
}
