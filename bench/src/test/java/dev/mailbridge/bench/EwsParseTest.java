package dev.mailbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small capture from the emulator, parsed once by each parser of the JMH benchmark (no timing). */
class EwsParseTest {
    @TempDir
    static Path fixtures;

    @BeforeAll
    static void capture() throws Exception {
        EwsFixtures.capture(fixtures, 40);
    }

    @Test
    void everyParserReadsEveryCapturedResponse() throws Exception {
        System.setProperty(EwsParseBenchmark.FIXTURES, fixtures.toString());
        try {
            for (String response : EwsFixtures.ALL) {
                EwsParseBenchmark b = new EwsParseBenchmark();
                b.response = response;
                b.load();
                long mailbridge = b.mailbridge();
                long peer = b.ewsJavaApi();
                long floor = b.staxFloor();
                assertThat(mailbridge).as(response).isPositive();
                assertThat(floor).as(response).isPositive();
                // Both clients read the same thing: items + the last item's size, or MIME bytes.
                assertThat(peer).as(response).isEqualTo(mailbridge);
            }
        } finally {
            System.clearProperty(EwsParseBenchmark.FIXTURES);
        }
    }

    @Test
    void findItemPageHasTheCapturedItemsAndMimeIsDecodedInFull() throws Exception {
        EwsParsers.Mailbridge mailbridge = new EwsParsers.Mailbridge();
        byte[] page = Files.readAllBytes(fixtures.resolve(EwsFixtures.FIND_ITEM_1000 + ".xml"));
        assertThat(new String(page, java.nio.charset.StandardCharsets.UTF_8)).contains("TotalItemsInView=\"40\"");
        byte[] large = Files.readAllBytes(fixtures.resolve(EwsFixtures.GET_ITEM_1M + ".xml"));
        long mime = mailbridge.getItemMime(large);
        assertThat(mime).isBetween(1000L * 1024, 1100L * 1024);
        // The floor's decoder skips the last partial quantum only.
        assertThat(new EwsParsers.Stax().pass(large)).isGreaterThan(mime - 3);
    }

    @Test
    void options() {
        assertThat(EwsParse.parse(new String[] {"--forks", "1", "--only", "staxFloor"}))
                .isEqualTo(new EwsParse.Options(1, 3, 5, "1s", Path.of("target", "ews-fixtures"), null, "staxFloor"));
        assertThat(EwsParse.parse(new String[] {"--help"})).isNull();
        assertThatThrownBy(() -> EwsParse.parse(new String[] {"--nope", "1"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
