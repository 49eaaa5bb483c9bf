package dev.camelassistant.health;

import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.camelassistant.logging.LogMasker;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Runs the service probes in parallel, each bounded by its own timeout, and keeps the latest
 * result of each: the probe route, the /health command and Camel's HealthChecks (console, JMX)
 * all read from here, so every view shows the same state and a service is probed once per round.
 * <p>
 * A probe that has not finished when its timeout expires is reported as {@code timeout}; it keeps
 * its thread until its client's own timeout ends it, and the next round waits on that same attempt
 * instead of starting another, so a hanging service never holds more than one thread.
 */
public final class HealthProber extends ServiceSupport {

    private static final int MAX_ERROR_LENGTH = 200;

    private final List<ServiceProbe> probes;
    private final Map<String, Duration> timeouts;
    private final Duration maxAge;
    private final Map<String, ServiceHealth> latest = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<ServiceHealth>> inFlight = new ConcurrentHashMap<>();
    private volatile ExecutorService executor;

    /**
     * @param timeouts per service; a service without an entry gets 5 s
     * @param maxAge   how old a cached result may be before a HealthCheck call probes again
     *                 (a little more than the probe interval)
     */
    public HealthProber(List<ServiceProbe> probes, Map<String, Duration> timeouts, Duration maxAge) {
        this.probes = List.copyOf(probes);
        this.timeouts = Map.copyOf(timeouts);
        this.maxAge = maxAge;
    }

    public List<String> services() {
        return probes.stream().map(ServiceProbe::service).toList();
    }

    public Duration timeout(String service) {
        return timeouts.getOrDefault(service, Duration.ofSeconds(5));
    }

    /** Probes every service now, in parallel; returns in the order of the probes, after at most the longest timeout. */
    public List<ServiceHealth> probeAll() {
        ExecutorService pool = executor;
        if (pool == null) {
            throw new IllegalStateException("the health prober is not started");
        }
        long start = System.nanoTime();
        List<CompletableFuture<ServiceHealth>> futures = new ArrayList<>(probes.size());
        for (ServiceProbe probe : probes) {
            futures.add(attempt(probe, pool));
        }
        List<ServiceHealth> results = new ArrayList<>(probes.size());
        for (int i = 0; i < probes.size(); i++) {
            ServiceProbe probe = probes.get(i);
            Duration timeout = timeout(probe.service());
            long remaining = timeout.toNanos() - (System.nanoTime() - start);
            ServiceHealth result;
            try {
                result = futures.get(i).get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                result = timedOut(probe.service(), timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = ServiceHealth.down(probe.service(), ServiceHealth.KIND_DOWN, millisSince(start), "probe interrupted");
            } catch (ExecutionException e) {
                result = ServiceHealth.down(probe.service(), ServiceHealth.KIND_DOWN, millisSince(start), describe(e.getCause()));
            }
            latest.put(probe.service(), result);
            results.add(result);
        }
        return results;
    }

    /**
     * The latest result of every service, probing again (all at once) when one is missing or older
     * than the maximum age.
     */
    public List<ServiceHealth> current() {
        Instant oldest = Instant.now().minus(maxAge);
        boolean stale = probes.stream().map(p -> latest.get(p.service()))
                .anyMatch(h -> h == null || h.checkedAt().isBefore(oldest));
        if (stale) {
            return probeAll();
        }
        return probes.stream().map(p -> latest.get(p.service())).toList();
    }

    /** The latest result of one service (see {@link #current()}); null for an unknown service. */
    public ServiceHealth current(String service) {
        ServiceHealth h = latest.get(service);
        if (h == null || h.checkedAt().isBefore(Instant.now().minus(maxAge))) {
            current();
            h = latest.get(service);
        }
        return h;
    }

    private CompletableFuture<ServiceHealth> attempt(ServiceProbe probe, ExecutorService pool) {
        if (!probe.configured()) {
            return CompletableFuture.completedFuture(ServiceHealth.notConfigured(probe.service()));
        }
        // join the attempt still running from an earlier round rather than starting a second one
        return inFlight.compute(probe.service(), (service, running) -> running != null && !running.isDone()
                ? running
                : CompletableFuture.supplyAsync(() -> run(probe), pool));
    }

    private ServiceHealth run(ServiceProbe probe) {
        Duration timeout = timeout(probe.service());
        long start = System.nanoTime();
        try {
            probe.probe(timeout);
            return ServiceHealth.up(probe.service(), millisSince(start));
        } catch (ServiceProbe.ProbeFailure f) {
            return ServiceHealth.down(probe.service(), f.kind(), millisSince(start), clean(f.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ServiceHealth.down(probe.service(), ServiceHealth.KIND_DOWN, millisSince(start), "probe interrupted");
        } catch (Exception | LinkageError e) {
            if (isTimeout(e)) {
                return timedOut(probe.service(), timeout);
            }
            return ServiceHealth.down(probe.service(), ServiceHealth.KIND_DOWN, millisSince(start), describe(e));
        }
    }

    private static ServiceHealth timedOut(String service, Duration timeout) {
        return ServiceHealth.down(service, ServiceHealth.KIND_TIMEOUT, timeout.toMillis(),
                "no answer within " + timeout.toMillis() + " ms");
    }

    /** Whether a failure was a timeout: socket, HTTP or JDBC, or a pool that gave up waiting without another cause. */
    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof HttpTimeoutException
                || t instanceof TimeoutException || t instanceof SQLTimeoutException
                || t instanceof SQLTransientConnectionException && t.getCause() == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * A short text for a failure: "unknown host x", the refused connection, or else the innermost
     * message (e.g. "Connection refused" rather than the pool's wrapper), masked, on one line, bounded.
     */
    static String describe(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t) && chain.size() < 20; t = t.getCause()) {
            chain.add(t);
            // a client that tried several addresses keeps each attempt as a suppressed exception
            for (Throwable s : t.getSuppressed()) {
                for (Throwable c = s; c != null && !chain.contains(c) && chain.size() < 20; c = c.getCause()) {
                    chain.add(c);
                }
            }
        }
        for (Throwable t : chain) {
            if (t instanceof java.net.UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
                return clean("unknown host" + (t.getMessage() == null ? "" : " " + t.getMessage()));
            }
        }
        for (Throwable t : chain) {
            if (t instanceof java.net.ConnectException) {
                return clean(t.getMessage() == null || t.getMessage().isBlank() ? "connection refused" : t.getMessage());
            }
        }
        String message = null;
        for (Throwable t : chain) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return clean(message == null ? chain.get(chain.size() - 1).getClass().getSimpleName() : message);
    }

    static String clean(String text) {
        if (text == null) {
            return null;
        }
        String masked = LogMasker.mask(text).replaceAll("\\s+", " ").strip();
        return masked.length() > MAX_ERROR_LENGTH ? masked.substring(0, MAX_ERROR_LENGTH - 1) + "…" : masked;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Override
    protected void doStart() {
        if (executor == null) {
            executor = Executors.newFixedThreadPool(Math.max(1, probes.size()), new ProbeThreads());
        }
    }

    @Override
    protected void doStop() {
        ExecutorService pool = executor;
        executor = null;
        if (pool != null) {
            pool.shutdownNow();
        }
        inFlight.clear();
    }

    private static final class ProbeThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "health-probe-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
