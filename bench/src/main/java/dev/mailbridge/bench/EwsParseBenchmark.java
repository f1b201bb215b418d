package dev.mailbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: one complete EWS response document parsed from the same in-memory bytes by Mailbridge,
 * ews-java-api and a bare Woodstox pass (see {@link EwsParsers}). The documents are captured from
 * the emulator once, by {@link EwsParse}, into the directory named by the system property {@value
 * #FIXTURES}; without it a fork captures its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EwsParseBenchmark {
    static final String FIXTURES = "mailbridge.bench.ews.fixtures";

    @Param({EwsFixtures.FIND_ITEM_1000, EwsFixtures.GET_ITEM_10K, EwsFixtures.GET_ITEM_1M})
    public String response;

    byte[] bytes;
    boolean findItem;
    EwsParsers.Mailbridge mailbridge;
    EwsParsers.EwsJavaApi ewsJavaApi;
    EwsParsers.Stax stax;

    @Setup
    public void load() throws IOException, InterruptedException {
        String dir = System.getProperty(FIXTURES);
        Path fixtures;
        if (dir == null) {
            fixtures = Files.createTempDirectory("ews-fixtures");
            EwsFixtures.capture(fixtures, 1000);
        } else {
            fixtures = Path.of(dir);
        }
        bytes = Files.readAllBytes(fixtures.resolve(response + ".xml"));
        findItem = response.startsWith("finditem");
        mailbridge = new EwsParsers.Mailbridge();
        ewsJavaApi = new EwsParsers.EwsJavaApi();
        stax = new EwsParsers.Stax();
    }

    @Benchmark
    public long mailbridge() {
        return findItem ? mailbridge.findItem(bytes) : mailbridge.getItemMime(bytes);
    }

    @Benchmark
    public long ewsJavaApi() throws Exception {
        return findItem ? ewsJavaApi.findItem(bytes) : ewsJavaApi.getItemMime(bytes);
    }

    @Benchmark
    public long staxFloor() throws Exception {
        return stax.pass(bytes);
    }
}
