package dev.camelassistant.management;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ManagementGuardTest {

    private final ManagementGuard guard = new ManagementGuard(null, "/observe/health", true);

    @Test
    void theThreeHealthPathsAreRecognisedWithOrWithoutATrailingSlash() {
        assertThat(guard.healthOf("/observe/health")).isEqualTo(ManagementGuard.Health.ALL);
        assertThat(guard.healthOf("/observe/health/")).isEqualTo(ManagementGuard.Health.ALL);
        assertThat(guard.healthOf("/observe/health/live")).isEqualTo(ManagementGuard.Health.LIVE);
        assertThat(guard.healthOf("/observe/health/ready/")).isEqualTo(ManagementGuard.Health.READY);
    }

    @Test
    void everythingElseIsNotHealthAndSoNeedsCredentials() {
        assertThat(guard.healthOf("/observe/healthz")).isNull();
        assertThat(guard.healthOf("/observe/health/other")).isNull();
        assertThat(guard.healthOf("/observe/metrics")).isNull();
        assertThat(guard.healthOf("/q/dev/health")).isNull();
        assertThat(guard.healthOf("/")).isNull();
        assertThat(guard.healthOf(null)).isNull();
    }
}
