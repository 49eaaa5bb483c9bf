package dev.camelassistant.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DatabaseStartupTest {

    @AfterEach
    void clear() {
        System.clearProperty(DatabaseStartup.POOL_SIZE);
    }

    @Test
    void poolSizeComesFromApplicationProperties() {
        assertThat(DatabaseStartup.poolSize()).isEqualTo(8);
    }

    @Test
    void aSystemPropertyOverridesThePoolSize() {
        System.setProperty(DatabaseStartup.POOL_SIZE, " 3 ");
        assertThat(DatabaseStartup.poolSize()).isEqualTo(3);
    }

    @Test
    void aPoolSizeThatIsNoPositiveNumberIsAConfigurationError() {
        assertThat(DatabaseStartup.parsePoolSize(null)).isEqualTo(8);
        assertThatThrownBy(() -> DatabaseStartup.parsePoolSize("0")).hasMessageContaining("database.pool-size");
        assertThatThrownBy(() -> DatabaseStartup.parsePoolSize("eight")).hasMessageContaining("'eight'");
    }
}
