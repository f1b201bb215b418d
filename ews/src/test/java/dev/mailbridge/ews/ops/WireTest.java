package dev.mailbridge.ews.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class WireTest {
    @Test
    void datesInEveryFormExchangeUses() {
        assertThat(Wire.instant("2013-08-29T15:22:10Z")).isEqualTo(Instant.parse("2013-08-29T15:22:10Z"));
        assertThat(Wire.instant(" 2024-02-29T23:59:59Z ")).isEqualTo(Instant.parse("2024-02-29T23:59:59Z"));
        assertThat(Wire.instant("2013-08-29T15:22:10.123Z")).isEqualTo(Instant.parse("2013-08-29T15:22:10.123Z"));
        assertThat(Wire.instant("2013-08-29T17:22:10+02:00")).isEqualTo(Instant.parse("2013-08-29T15:22:10Z"));
        assertThat(Wire.instant("2013-08-29T15:22:10")).isEqualTo(Instant.parse("2013-08-29T15:22:10Z"));
        assertThat(Wire.instant("2023-02-30T00:00:00Z")).isNull();
        assertThat(Wire.instant("garbage")).isNull();
    }
}
