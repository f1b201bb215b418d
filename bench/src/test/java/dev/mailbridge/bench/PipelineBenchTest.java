package dev.mailbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A tiny real run of the pipeline benchmark (streaming only; the poll modes wait 30 s by design). */
class PipelineBenchTest {
    @Test
    void everyMessageReachesTheWebhook() throws Exception {
        String report = PipelineBench.run(
                PipelineBench.parse(new String[] {
                    "--modes",
                    "streaming",
                    "--messages",
                    "5",
                    "--gap-ms",
                    "20",
                    "--ingest",
                    "12",
                    "--ingest-mailboxes",
                    "3",
                    "--scale",
                    "6"
                }),
                new String[0]);
        assertThat(report)
                .contains("| streaming | 5/5 |")
                .containsPattern("\\| 1 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9]+ \\|")
                .containsPattern("\\| 3 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9]+ \\|")
                .containsPattern("\\| 6 \\| [0-9]+ \\| [0-9]+ \\| [0-9]+ \\| [0-9]+ \\| [0-9]+ \\|");
    }

    @Test
    void options() {
        PipelineBench.Options o = PipelineBench.parse(new String[0]);
        assertThat(o.messages()).isEqualTo(200);
        assertThat(o.modes()).containsExactly("streaming", "poll-30", "poll-60");
        assertThat(o.scale()).containsExactly(1000, 10_000);
        assertThat(PipelineBench.parse(new String[] {"--help"})).isNull();
        assertThatThrownBy(() -> PipelineBench.parse(new String[] {"--modes", "push"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
