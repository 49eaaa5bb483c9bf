package dev.camelassistant.management;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ManagementGuardTest {

    private final ManagementGuard guard = new ManagementGuard(null, "/observe/health", "/observe/jolokia", true);

    @Test
    void theThreeHealthPathsAreRecognisedWithOrWithoutATrailingSlash() {
        assertThat(guard.healthOf("/observe/health")).isEqualTo(ManagementGuard.Health.ALL);
        assertThat(guard.healthOf("/observe/health/")).isEqualTo(ManagementGuard.Health.ALL);
        assertThat(guard.healthOf("/observe/health/live")).isEqualTo(ManagementGuard.Health.LIVE);
        assertThat(guard.healthOf("/observe/health/ready/")).isEqualTo(ManagementGuard.Health.READY);
    }

    @Test
    void jolokiaPathsAreRecognised() {
        assertThat(guard.isJolokia("/observe/jolokia")).isTrue();
        assertThat(guard.isJolokia("/observe/jolokia/exec/x")).isTrue();
        assertThat(guard.isJolokia("/observe/jolokiax")).isFalse();
        assertThat(guard.isJolokia("/observe/metrics")).isFalse();
    }

    @Test
    void everythingElseIsNotHealthAndSoNeedsCredentials() {
        // the control: the health path itself is recognised by the same call
        assertThat(guard.healthOf("/observe/health")).isEqualTo(ManagementGuard.Health.ALL);
        assertThat(guard.healthOf("/observe/healthz")).isNull();
        assertThat(guard.healthOf("/observe/health/other")).isNull();
        assertThat(guard.healthOf("/observe/metrics")).isNull();
        assertThat(guard.healthOf("/q/dev/health")).isNull();
        assertThat(guard.healthOf("/")).isNull();
        assertThat(guard.healthOf(null)).isNull();
    }

    @Test
    void aBrowserRequestFromAnotherSiteIsCrossSiteAndOneFromThePageItselfOrAToolIsNot() {
        assertThat(ManagementGuard.crossSite("cross-site", null, null, "127.0.0.1:8080")).isTrue();
        assertThat(ManagementGuard.crossSite("same-site", null, null, "127.0.0.1:8080")).isTrue();
        assertThat(ManagementGuard.crossSite("same-origin", "http://127.0.0.1:8080", null, "127.0.0.1:8080")).isFalse();
        assertThat(ManagementGuard.crossSite("none", null, null, "127.0.0.1:8080")).isFalse();
        // older browsers: Origin, then Referer, against the Host asked for
        assertThat(ManagementGuard.crossSite(null, "http://evil.example", null, "127.0.0.1:8080")).isTrue();
        assertThat(ManagementGuard.crossSite(null, "null", null, "127.0.0.1:8080")).isTrue();
        assertThat(ManagementGuard.crossSite(null, null, "http://evil.example/page", "127.0.0.1:8080")).isTrue();
        assertThat(ManagementGuard.crossSite(null, "http://127.0.0.1:8080", null, "127.0.0.1:8080")).isFalse();
        assertThat(ManagementGuard.crossSite(null, null, "http://localhost:8080/q/dev", "localhost:8080")).isFalse();
        // curl, Prometheus, Hawtio's server-side proxy send none of these
        assertThat(ManagementGuard.crossSite(null, null, null, "127.0.0.1:8080")).isFalse();
    }

    @Test
    void onlyAWellFormedBasicHeaderCountsAsCredentials() {
        assertThat(ManagementGuard.isBasic("Basic " + java.util.Base64.getEncoder().encodeToString("admin:pw".getBytes()))).isTrue();
        assertThat(ManagementGuard.isBasic("basic " + java.util.Base64.getEncoder().encodeToString("admin:pw".getBytes()))).isTrue();
        assertThat(ManagementGuard.isBasic("Basic !!!")).isFalse();
        assertThat(ManagementGuard.isBasic("Basic " + java.util.Base64.getEncoder().encodeToString("no-colon".getBytes()))).isFalse();
        assertThat(ManagementGuard.isBasic("Bearer abc")).isFalse();
        assertThat(ManagementGuard.isBasic("")).isFalse();
        assertThat(ManagementGuard.isBasic(null)).isFalse();
    }

    @Test
    void onlyAPathInItsNormalFormIsServed() {
        // the controls: ordinary management paths
        assertThat(ManagementGuard.canonical("/q/dev/context")).isTrue();
        assertThat(ManagementGuard.canonical("/q/dev/context/")).isTrue();
        assertThat(ManagementGuard.canonical("/observe/health")).isTrue();
        assertThat(ManagementGuard.canonical("/q/dev/top/*")).isTrue();
        assertThat(ManagementGuard.canonical("/")).isTrue();
        // the probe: Vert.x routes /q/dev/context, Camel serves the bean console
        assertThat(ManagementGuard.canonical("/q/dev/bean/%2e%2e/context")).isFalse();
        assertThat(ManagementGuard.canonical("/q/dev/send/%2E%2E/context")).isFalse();
        assertThat(ManagementGuard.canonical("/q/dev/bean/..%2fcontext")).isFalse();
        assertThat(ManagementGuard.canonical("/q/dev/%62ean")).isFalse();
        assertThat(ManagementGuard.canonical("/q/dev/bean/../context")).isFalse();
        assertThat(ManagementGuard.canonical("/q/dev/bean/./context")).isFalse();
        assertThat(ManagementGuard.canonical("/q/dev/..")).isFalse();
        assertThat(ManagementGuard.canonical("/q//dev/bean")).isFalse();
        assertThat(ManagementGuard.canonical("/q/dev/bean\\..\\context")).isFalse();
        assertThat(ManagementGuard.canonical("/q/dev/bean%5c")).isFalse();
        assertThat(ManagementGuard.canonical("q/dev/context")).isFalse();
        assertThat(ManagementGuard.canonical(null)).isFalse();
    }
}
