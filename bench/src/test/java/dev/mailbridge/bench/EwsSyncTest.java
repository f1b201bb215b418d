package dev.mailbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A tiny real run of the sync benchmark: every client syncs the whole mailbox (no timing). */
class EwsSyncTest {
    @Test
    void everyClientSyncsTheWholeMailbox() throws Exception {
        // 30 messages in batches of 7, 3 in flight: a short last batch; run() fails unless each client got
        // all 30.
        String report = EwsSync.run(
                EwsSync.parse(new String[] {
                    "--messages", "30", "--batch", "7", "--in-flight", "3", "--warmup", "1", "--rounds", "1"
                }),
                new String[0]);
        assertThat(report)
                .contains("| mailbridge |", "| ews-java-api |", "| replay |")
                .contains("1 warm-up and 1 measured round(s)")
                .containsPattern("mailbridge / ews-java-api, msg/s in the same round: [0-9.]+x; median [0-9.]+x");
    }

    @Test
    void options() {
        EwsSync.Options o = EwsSync.parse(new String[0]);
        assertThat(o.messages()).isEqualTo(20_000);
        assertThat(o.batch()).isEqualTo(10);
        assertThat(o.inFlight()).isEqualTo(4);
        assertThat(o.warmup()).isEqualTo(5);
        assertThat(o.rounds()).isEqualTo(5);
        assertThatThrownBy(() -> EwsSync.parse(new String[] {"--warmup", "-1"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(EwsSync.parse(new String[] {"--help"})).isNull();
        assertThatThrownBy(() -> EwsSync.parse(new String[] {"--clients", "outlook"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EwsSync.parse(new String[] {"--batch", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EwsSync.parse(new String[] {"--in-flight", "11"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
