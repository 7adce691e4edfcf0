package io.drover.agent;

import io.drover.agent.probe.HttpGetHeaders;
import io.drover.agent.probe.InsecureTls;
import io.drover.agent.runtime.Runtime;
import io.drover.agent.runtime.TaskExec;
import io.drover.agent.runtime.TaskHandle;
import io.drover.controller.EventRecorder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's postStart and preStop hooks, run as the kubelet runs them.
 *
 * <ul>
 *   <li>Handlers: {@code exec} (inside the task, through {@link TaskExec}), {@code httpGet}
 *       (against the pod IP, which is the node's on the process runtime, or the hook's host; the
 *       port through {@link HookPorts}; any HTTP answer counts as success, only a failed request
 *       fails, as in the kubelet) and {@code sleep}.
 *   <li>preStop runs before SIGTERM and is counted inside the grace period: the stop that follows
 *       gets what is left (whole seconds taken, as the kubelet counts), and never less than the
 *       kubelet's 2 s minimum, also when the hook overran. A hook still running when the grace
 *       period ends is cut off (an exec hook is killed) and the container is stopped.
 *   <li>postStart runs right after the container started, and the container counts as running
 *       only when it returned; if it fails the container is killed (preStop first) and restarted
 *       by its policy. The kubelet waits for it without a limit; drover bounds it at {@link
 *       #POST_START_TIMEOUT} so a hanging hook cannot hold an agent worker forever. A pod being
 *       deleted abandons its running hook, as the kubelet cancels the pod's sync, so the delete takes
 *       the grace period rather than the hook's time.
 *   <li>Events: Warning {@code FailedPreStopHook} "PreStopHook failed", Warning {@code
 *       FailedPostStartHook} "PostStartHook failed" (no details, so a command's output cannot leak
 *       secrets into events), Normal {@code Killing} "FailedPostStartHook"; details go to the log.
 * </ul>
 */
final class LifecycleHooks {
    /** The kubelet's minimumGracePeriodInSeconds: a container always gets this long after SIGTERM. */
    static final Duration MIN_STOP_GRACE = Duration.ofSeconds(2);
    static final Duration POST_START_TIMEOUT = Duration.ofMinutes(2);
    /** How often a running postStart hook looks whether its pod is being deleted. */
    private static final Duration ABANDON_CHECK = Duration.ofMillis(200);
    private static final Logger log = LoggerFactory.getLogger(LifecycleHooks.class);

    private final Runtime runtime;
    private final HookPorts ports;
    private final EventRecorder events;
    private final String podIp;
    private final Clock clock;
    /** The kubelet's lifecycle User-Agent (httpprobe.NewRequestForHTTPGetAction with "lifecycle"). */
    static final String LIFECYCLE_USER_AGENT = "kube-lifecycle/1.32";
    private final HttpClient http;

    LifecycleHooks(Runtime runtime, HookPorts ports, EventRecorder events, String podIp, Clock clock) {
        this.runtime = runtime;
        this.ports = ports;
        this.events = events;
        this.podIp = podIp;
        this.clock = clock;
        // HTTP/1.1 as the kubelet's Go client speaks it to a plain port: no h2c upgrade, which some servers refuse.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(InsecureTls.context())
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * Runs the container's preStop hook, if any, within {@code grace}.
     *
     * @return the grace period left for SIGTERM up to SIGKILL
     */
    Duration preStop(Pod pod, Container c, TaskHandle h, Duration grace) throws InterruptedException {
        LifecycleHandler handler = c.getLifecycle() == null ? null : c.getLifecycle().getPreStop();
        if (handler != null && grace.compareTo(Duration.ofSeconds(1)) >= 0) {
            Instant start = clock.instant();
            Optional<String> failure = run(pod, c, h, handler, grace);
            if (failure.isPresent()) {
                log.warn("PreStop hook of container {} in pod {}/{} failed: {}", c.getName(),
                        pod.getMetadata().getNamespace(), pod.getMetadata().getName(), failure.get());
                events.warning(ContainerReference.of(pod, c.getName()), "FailedPreStopHook", "PreStopHook failed");
            }
            grace = grace.minusSeconds(Duration.between(start, clock.instant()).toSeconds());
        }
        return grace.compareTo(MIN_STOP_GRACE) < 0 ? MIN_STOP_GRACE : grace;
    }

    /**
     * Runs the container's postStart hook, if any. When it fails, records why and kills the
     * container within {@code grace} (preStop first); the caller then sees it exit.
     */
    void postStart(Pod pod, Container c, TaskHandle h, Duration grace, BooleanSupplier abandoned)
            throws InterruptedException {
        LifecycleHandler handler = c.getLifecycle() == null ? null : c.getLifecycle().getPostStart();
        if (handler == null) {
            return;
        }
        Optional<Optional<String>> outcome = untilAbandoned(() -> run(pod, c, h, handler, POST_START_TIMEOUT), abandoned);
        if (outcome.isEmpty()) {
            // The pod is being deleted: the kubelet cancels its sync, hook included, and stops the container
            // within the grace period; so does the caller's next look at the pod.
            log.info("PostStart hook of container {} in pod {}/{} abandoned: the pod is being deleted", c.getName(),
                    pod.getMetadata().getNamespace(), pod.getMetadata().getName());
            return;
        }
        Optional<String> failure = outcome.get();
        if (failure.isEmpty()) {
            return;
        }
        log.warn("PostStart hook of container {} in pod {}/{} failed: {}", c.getName(),
                pod.getMetadata().getNamespace(), pod.getMetadata().getName(), failure.get());
        events.warning(ContainerReference.of(pod, c.getName()), "FailedPostStartHook", "PostStartHook failed");
        events.normal(ContainerReference.of(pod, c.getName()), "Killing", "FailedPostStartHook");
        runtime.stop(h, preStop(pod, c, h, grace));
    }

    /** A hook's work that may be interrupted. */
    @FunctionalInterface
    private interface HookRun {
        Optional<String> call() throws InterruptedException;
    }

    /**
     * Runs {@code hook} on a thread of its own and waits for it, looking every {@link #ABANDON_CHECK} at
     * {@code abandoned}; once that is true the hook is interrupted (an exec's command is ended with the
     * container, which the caller stops next) and the result is empty.
     */
    private static Optional<Optional<String>> untilAbandoned(HookRun hook, BooleanSupplier abandoned)
            throws InterruptedException {
        CompletableFuture<Optional<String>> result = new CompletableFuture<>();
        Thread runner = Thread.ofVirtual().name("post-start-hook").start(() -> {
            try {
                result.complete(hook.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        while (true) {
            try {
                return Optional.of(result.get(ABANDON_CHECK.toMillis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                if (abandoned.getAsBoolean()) {
                    runner.interrupt();
                    return Optional.empty();
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof InterruptedException i) {
                    throw i;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                runner.interrupt();
                throw e;
            }
        }
    }

    /** Runs one handler for at most {@code timeout}: empty on success, else the kubelet's failure message. */
    private Optional<String> run(Pod pod, Container c, TaskHandle h, LifecycleHandler handler, Duration timeout)
            throws InterruptedException {
        String podName = pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "("
                + pod.getMetadata().getUid() + ")";
        if (handler.getExec() != null) {
            List<String> command = handler.getExec().getCommand() == null ? List.of() : handler.getExec().getCommand();
            try {
                if (!(runtime instanceof TaskExec exec)) {
                    throw new IllegalStateException("runtime " + runtime.capabilities().name() + " cannot exec");
                }
                TaskExec.ExecResult result = exec.exec(h, command, timeout);
                if (result.succeeded()) {
                    return Optional.empty();
                }
                String error = result.timedOut() ? "command timed out after " + timeout.toSeconds() + "s"
                        : "command '" + String.join(" ", command) + "' exited with " + result.exitCode();
                return Optional.of(execFailure(command, c, podName, error, result.output()));
            } catch (RuntimeException e) {
                return Optional.of(execFailure(command, c, podName, e.getMessage(), ""));
            }
        }
        if (handler.getHttpGet() != null) {
            HTTPGetAction get = handler.getHttpGet();
            try {
                httpGet(pod, c, get, timeout);
                return Optional.empty();
            } catch (IOException | RuntimeException e) {
                return Optional.of("HTTP lifecycle hook (" + get.getPath() + ") for Container \"" + c.getName()
                        + "\" in Pod \"" + podName + "\" failed - error: " + e);
            }
        }
        if (handler.getSleep() != null && handler.getSleep().getSeconds() != null) {
            Duration sleep = Duration.ofSeconds(handler.getSleep().getSeconds());
            Thread.sleep((sleep.compareTo(timeout) < 0 ? sleep : timeout).toMillis());
            return Optional.empty();
        }
        return Optional.of("Cannot run handler: invalid handler: " + handler);
    }

    private static String execFailure(List<String> command, Container c, String podName, String error, String output) {
        return "Exec lifecycle hook (" + command + ") for Container \"" + c.getName() + "\" in Pod \"" + podName
                + "\" failed - error: " + error + ", message: \"" + output + "\"";
    }

    private void httpGet(Pod pod, Container c, HTTPGetAction get, Duration timeout)
            throws IOException, InterruptedException {
        String host = get.getHost() == null || get.getHost().isEmpty() ? podIp : get.getHost();
        int port = ports.resolve(pod, c, get.getPort());
        String scheme = get.getScheme() == null || get.getScheme().isEmpty() ? "http" : get.getScheme().toLowerCase();
        String path = get.getPath() == null ? "" : get.getPath();
        URI uri = URI.create(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                + (path.startsWith("/") ? path : "/" + path));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout);
        for (String[] header : HttpGetHeaders.of(get.getHttpHeaders(), LIFECYCLE_USER_AGENT)) {
            request.setHeader(header[0], header[1]);
        }
        http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }
}
