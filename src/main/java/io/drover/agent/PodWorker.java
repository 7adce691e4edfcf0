package io.drover.agent;

import static io.drover.pod.PodFields.isTerminal;
import static io.drover.pod.PodFields.list;
import static io.drover.pod.PodFields.statusOf;
import static io.drover.pod.PodFields.text;

import io.drover.agent.env.ContainerConfigException;
import io.drover.agent.env.ContainerEnvironment;
import io.drover.agent.ports.NoFreePortException;
import io.drover.agent.exec.ExecTarget;
import io.drover.agent.portforward.PortForwardTarget;
import io.drover.agent.logs.LogPipeline;
import io.drover.agent.ports.PodPortAssigner;
import io.drover.agent.probe.ContainerHealth;
import io.drover.agent.probe.ContainerInstance;
import io.drover.agent.probe.ProbeManager;
import io.drover.agent.probe.ProbePorts;
import io.drover.agent.runtime.ExitResult;
import io.drover.agent.runtime.Runtime;
import io.drover.agent.runtime.TaskAttach;
import io.drover.agent.runtime.TaskException;
import io.drover.agent.runtime.TaskExec;
import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.TaskSpec;
import io.drover.agent.runtime.TaskStatus;
import io.drover.agent.runtime.TaskStdio;
import io.drover.agent.runtime.TaskStreams;
import io.drover.agent.runtime.TaskSecurity;
import io.drover.controller.EventRecorder;
import io.drover.controller.PodDeletion;
import io.drover.controller.Reconciler;
import io.drover.controller.Result;
import io.drover.json.MetaTime;
import io.drover.ports.PodPorts;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pods bound to this node: one reconcile per pod key starts the containers that should
 * run, notices the ones that ended, restarts them by the pod's restartPolicy with the kubelet's
 * back-off, stops them when the pod is deleted, and writes the pod's status when it changed.
 *
 * <p>Every task's handle is persisted next to its log ({@link PodFiles}), so the first reconcile
 * of a pod after an agent restart adopts its running tasks ({@link Runtime#recover}) instead of
 * starting them again; the restart count then comes from the pod's status, where the previous
 * run left it. A task's exit is noticed by a virtual thread per task blocked in {@link
 * Runtime#await}, which re-queues the pod.
 */
final class PodWorker implements Reconciler {
    static final String PROCESS_RUNTIME = "process";
    /** How a stop whose last API calls failed tries again: after 1 s, doubling up to 30 s. */
    private static final Duration STOP_RETRY_FIRST = Duration.ofSeconds(1);
    private static final Duration STOP_RETRY_MAX = Duration.ofSeconds(30);
    /** How soon a pod that reuses the name of one still stopping looks again. */
    private static final Duration STOPPING_RECHECK = Duration.ofMillis(200);
    /**
     * How long a container this agent started must run before it may count as ready. kubelet learns of a
     * start at its next relist of the runtime, up to a second later, so a process that exits at once is
     * never Ready there; without this a command that fails at once was Ready for an instant at each start,
     * and a rollout took that for an available pod. Short of kubelet's second, so a restart stays quick.
     */
    static final Duration READY_AFTER_RUNNING = Duration.ofMillis(200);
    static final Duration ORPHAN_GRACE = Duration.ofSeconds(2);
    static final long DEFAULT_GRACE_SECONDS = 30;
    /** A start that failed is looked at again at once, to enter its back-off. */
    /** A sidecar stopped after the pod's grace period ran out still gets this long between SIGTERM and SIGKILL. */
    private static final Duration SIDECAR_MIN_GRACE = Duration.ofSeconds(2);
    private static final Duration START_FAILED_RECHECK = Duration.ofMillis(10);
    /** A configuration that could not be resolved is tried again after the kubelet's worker back-off. */
    private static final Duration CONFIG_RECHECK = Duration.ofSeconds(10);
    /** How long a container killed for a failed probe may take to have its exit recorded once it is gone. */
    private static final Duration PROBE_KILL_EXIT_WAIT = Duration.ofSeconds(5);
    /** How long a stopped task's exit may take to be seen; stop returns once the task has ended. */
    private static final Duration STOPPED_EXIT_WAIT = Duration.ofSeconds(1);
    static final String IMAGE_WITHOUT_COMMAND = "the process runtime runs commands, not images: set command "
            + "(drover has no container engine on this node)";
    private static final Logger log = LoggerFactory.getLogger(PodWorker.class);

    private final KubernetesClient client;
    private final SharedIndexInformer<Pod> pods;
    private final Runtime runtime;
    private final PodFiles files;
    private final LogPipeline logs;
    private final TerminationMessages terminationMessages;
    private final ContainerSecurity security;
    private final HostFacts host;
    private final PodPortAssigner ports;
    private final ContainerEnvironment environment;
    private final Clock clock;
    private final EventRecorder events;
    private final RestartBackoffPolicy backoff;
    private final LifecycleHooks hooks;
    private final ProbeManager probes;
    private final PodDnsFiles dns;
    private final EndpointDrain drain;
    private Consumer<String> requeue = key -> {};
    /** The pods this agent runs, by key. */
    private final Map<String, PodRun> runs = new ConcurrentHashMap<>();
    /**
     * The uid of the pod each key last finished stopping, until the pod is gone: the grace-0 mark of its final
     * delete comes back as an update, which must not start a second stop of what has already stopped.
     */
    private final Map<String, String> stopped = new ConcurrentHashMap<>();
    /** The threads waiting for tasks to end, by task id. */
    private final Map<String, Thread> watchers = new ConcurrentHashMap<>();

    /** The containers of one pod (one uid) this agent runs. */
    static final class PodRun {
        final String uid;
        final String namespace;
        final String name;
        /**
         * When this agent first took the pod on, before any of its containers started: its startTime unless the
         * status has one, as the kubelet's status manager stamps it at the first sync (updateStatusInternal).
         */
        final Instant seenAt;
        /** By name. Concurrent: ephemeral containers join while the kubelet endpoint's requests read it. */
        final Map<String, ContainerRun> containers = new ConcurrentHashMap<>();
        /** Every init container has done its part once: they are not run again (a restart does not undo it). */
        boolean initialized;
        /** The pod ran past its activeDeadlineSeconds: it has failed, and nothing of it runs again. */
        boolean deadlineExceeded;
        /** The pod is deleted and its containers stopped: its phase is terminal (Succeeded or Failed). */
        boolean terminated;
        /** Deleted, and marked not ready so that no Service falls back to it while it stops. */
        volatile boolean unserving;
        /** The thread stopping the deleted pod (its grace period can be long), while it runs. */
        volatile Thread stopping;

        PodRun(String uid, String namespace, String name, Instant seenAt) {
            this.uid = uid;
            this.namespace = namespace;
            this.name = name;
            this.seenAt = seenAt;
        }
    }

    PodWorker(KubernetesClient client, SharedIndexInformer<Pod> pods, Runtime runtime, PodFiles files,
            LogPipeline logs, HostFacts host, PodPortAssigner ports, ContainerEnvironment environment, Clock clock,
            RestartBackoffPolicy backoff, HookPorts hookPorts, ProbePorts probePorts, PodDnsFiles dns) {
        this.client = client;
        this.pods = pods;
        this.runtime = runtime;
        this.files = files;
        this.logs = logs;
        this.terminationMessages = new TerminationMessages(logs);
        this.security = ContainerSecurity.ofThisProcess();
        this.host = host;
        this.ports = ports;
        this.environment = environment;
        this.clock = clock;
        this.events = new EventRecorder(client, "kubelet", host.nodeName(), clock);
        this.backoff = backoff;
        this.hooks = new LifecycleHooks(runtime, hookPorts, events, host.internalIp(), clock);
        this.probes = new ProbeManager(probePorts, runtime, events, clock, host.internalIp());
        this.dns = dns;
        this.drain = new EndpointDrain(DrainSource.of(client), AcceptBacklog::of, clock);
    }

    /** Where task exits and changed probe verdicts are reported: the controller's enqueue. */
    void onTaskExit(Consumer<String> enqueue) {
        this.requeue = enqueue;
        probes.onChange(enqueue);
    }

    @Override
    public Result reconcile(String key) throws Exception {
        Pod pod = pods.getStore().getByKey(key);
        PodRun run = runs.get(key);
        if (run != null && run.stopping != null) {
            // Its stop has the run to itself; a pod of the same name waits for it to end.
            if (pod == null) {
                killNow(run); // force-deleted meanwhile: its grace period is over
                return Result.done();
            }
            if (!run.uid.equals(pod.getMetadata().getUid())) {
                return Result.requeueAfter(STOPPING_RECHECK);
            }
            if (Long.valueOf(0).equals(pod.getMetadata().getDeletionGracePeriodSeconds())) {
                killNow(run); // force-deleted while a finalizer keeps it: its grace period is over all the same
            }
            return Result.done();
        }
        if (pod == null) {
            if (run != null) {
                stopAll(run, ORPHAN_GRACE, null); // deleted elsewhere with grace 0
                runs.remove(key);
            }
            stopped.remove(key);
            ports.release(key);
            return Result.done();
        }
        String uid = pod.getMetadata().getUid();
        if (run == null && pod.getMetadata().getDeletionTimestamp() != null && uid.equals(stopped.get(key))) {
            return Result.done(); // stopped already; its final delete is under way
        }
        if (run != null && !run.uid.equals(uid)) {
            stopAll(run, ORPHAN_GRACE, null); // a new pod of the same name
            runs.remove(key);
            ports.release(key);
            run = null;
        }
        if (run == null) {
            run = new PodRun(uid, pod.getMetadata().getNamespace(), pod.getMetadata().getName(), clock.instant());
            runs.put(key, run);
        }
        for (List<Container> containers : List.of(list(pod.getSpec().getInitContainers()), pod.getSpec().getContainers(),
                EphemeralContainers.of(pod))) {
            for (Container c : containers) {
                if (!run.containers.containsKey(c.getName())) {
                    run.containers.put(c.getName(), adopt(key, pod, c));
                }
            }
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            // Out of every service proxy first (bounded), then preStop and SIGTERM.
            PodRun draining = run;
            Duration drainWait = drain.holdOff(pod, gracePeriod(pod), () -> stopServing(pod, draining));
            if (drainWait != null) {
                return Result.requeueAfter(drainWait);
            }
            stopInBackground(key, pod, run);
            return Result.done();
        }
        // Also after an agent restart: a pod failed by its deadline stays failed.
        run.deadlineExceeded |= pod.getStatus() != null && ActiveDeadline.REASON.equals(pod.getStatus().getReason());
        boolean terminal = isTerminal(pod) || run.deadlineExceeded;
        List<Duration> waits = new ArrayList<>();
        if (!terminal) {
            Optional<Duration> left = ActiveDeadline.left(pod, clock.instant());
            if (left.isPresent() && !left.get().isPositive()) {
                run.deadlineExceeded = true;
                terminal = true;
                events.normal(pod, ActiveDeadline.REASON, ActiveDeadline.MESSAGE);
            } else {
                left.ifPresent(waits::add);
            }
        }
        if (terminal) {
            ports.release(key);
        }
        boolean initialized = initialize(key, pod, run, terminal, waits);
        Duration next = waits.stream().min(Duration::compareTo).orElse(null);
        for (Container c : pod.getSpec().getContainers()) {
            ContainerRun cr = run.containers.get(c.getName());
            observe(pod, c, cr);
            if (terminal) {
                stopOnceTerminal(pod, c, cr); // only a pod past its active deadline has any left
                continue;
            }
            killIfProbeFailed(pod, c, cr);
            restartIfDefinitionChanged(pod, c, cr);
            if (cr.mode == ContainerRun.Mode.RUNNING) {
                Duration settling = settling(cr);
                if (settling != null && (next == null || settling.compareTo(next) < 0)) {
                    next = settling; // to write Ready once it has run long enough
                }
                continue;
            }
            if (!initialized) {
                cr.waitingReason = "PodInitializing";
                continue;
            }
            Duration wait = advance(key, pod, c, cr, text(pod.getSpec().getRestartPolicy()));
            if (wait != null && (next == null || wait.compareTo(next) < 0)) {
                next = wait;
            }
        }
        for (Container c : EphemeralContainers.of(pod)) {
            ContainerRun cr = run.containers.get(c.getName());
            observe(pod, c, cr);
            if (terminal) {
                stopOnceTerminal(pod, c, cr);
            }
            // Started once, never restarted.
            Duration wait = !terminal && cr.mode == ContainerRun.Mode.WAITING ? advance(key, pod, c, cr, "Never") : null;
            if (wait != null && (next == null || wait.compareTo(next) < 0)) {
                next = wait;
            }
        }
        probes.sync(pod, instances(pod, run));
        writeStatus(pod, run);
        return next == null ? Result.done() : Result.requeueAfter(next);
    }

    /**
     * Kills a container whose liveness or startup probe failed, with kubelet's Killing event and its
     * preStop hook; the restart that follows is the ordinary one, by restartPolicy and back-off.
     */
    private void killIfProbeFailed(Pod pod, Container c, ContainerRun cr) throws InterruptedException {
        ContainerHealth health = health(pod, c, cr);
        if (health.failed() == null) {
            return;
        }
        boolean restarts = InitContainers.isSidecar(c) || !"Never".equals(pod.getSpec().getRestartPolicy());
        events.normal(ContainerReference.of(pod, c.getName()), "Killing",
                health.killMessage(c.getName(), restarts));
        runtime.stop(cr.handle, hooks.preStop(pod, c, cr.handle, health.killGrace())); // preStop first, as kubelet
        Optional<ExitResult> exit = runtime.await(cr.handle, PROBE_KILL_EXIT_WAIT);
        if (exit.isPresent()) {
            finish(pod, c, cr, exit.get());
        }
    }

    /**
     * Stops a container whose definition changed (its image: the one field of a container an update may change),
     * to be started again at once whatever the restart policy, as the kubelet does when the container's hash
     * changes: Killing "Container c definition changed, will be restarted", preStop first.
     */
    private void restartIfDefinitionChanged(Pod pod, Container c, ContainerRun cr) throws InterruptedException {
        if (cr.mode != ContainerRun.Mode.RUNNING || cr.image == null || cr.image.equals(text(c.getImage()))) {
            return;
        }
        events.normal(ContainerReference.of(pod, c.getName()), "Killing",
                "Container " + c.getName() + " definition changed, will be restarted");
        runtime.stop(cr.handle, hooks.preStop(pod, c, cr.handle, gracePeriod(pod)));
        Optional<ExitResult> exit = runtime.await(cr.handle, PROBE_KILL_EXIT_WAIT);
        if (exit.isPresent()) {
            finish(pod, c, cr, exit.get());
            cr.definitionChanged = true;
            cr.restartAt = clock.instant();
        }
    }

    private ContainerHealth health(Pod pod, Container c, ContainerRun cr) {
        if (cr.mode != ContainerRun.Mode.RUNNING) {
            return ContainerHealth.NOT_RUNNING;
        }
        ContainerHealth health = probes.health(pod.getMetadata().getUid(), c.getName(), instanceId(cr.handle));
        return settling(cr) != null ? health.notReady() : health;
    }

    /** How long a running container has yet to run before it may be ready, or null once it has. */
    private Duration settling(ContainerRun cr) {
        if (cr.readyFrom == null) {
            return null;
        }
        Duration left = Duration.between(clock.instant(), cr.readyFrom);
        if (!left.isPositive()) {
            cr.readyFrom = null;
            return null;
        }
        return left;
    }

    /** The running containers and sidecars as the probes see them; a restart is a new instance id. */
    private Map<String, ContainerInstance> instances(Pod pod, PodRun run) {
        Map<String, ContainerInstance> running = new LinkedHashMap<>();
        List<Container> probed = new ArrayList<>(InitContainers.sidecars(pod));
        probed.addAll(pod.getSpec().getContainers());
        for (Container c : probed) {
            ContainerRun cr = run.containers.get(c.getName());
            if (cr.mode == ContainerRun.Mode.RUNNING) {
                running.put(c.getName(), new ContainerInstance(instanceId(cr.handle), cr.startedAt, cr.handle));
            }
        }
        return running;
    }

    private static String instanceId(TaskHandle handle) {
        return handle.taskId() + "@" + handle.pid() + "." + handle.startTime();
    }

    /**
     * Brings the pod's init containers one step on, as the kubelet runs them: in order, each
     * regular one to its successful end before the next starts (a failed one restarted with
     * back-off, unless the pod's restartPolicy is Never: then the pod has failed), each sidecar
     * ({@code restartPolicy: Always}) started and kept running before the next. Sidecars are
     * restarted whenever they end, and stopped once the pod is terminal.
     *
     * @param waits where the time until the next step is added, when there is one
     * @return whether the pod is initialized: every regular init container succeeded and every
     *     sidecar started, now or before
     */
    private boolean initialize(String key, Pod pod, PodRun run, boolean terminal, List<Duration> waits)
            throws InterruptedException {
        boolean initialized = true;
        for (Container c : list(pod.getSpec().getInitContainers())) {
            ContainerRun cr = run.containers.get(c.getName());
            observe(pod, c, cr);
            boolean sidecar = InitContainers.isSidecar(c);
            if (terminal) {
                stopOnceTerminal(pod, c, cr);
                initialized = false; // a terminal pod does not become initialized
                continue;
            }
            if (sidecar) {
                killIfProbeFailed(pod, c, cr); // restarted below, as a container is
            }
            boolean done = sidecar ? cr.mode == ContainerRun.Mode.RUNNING && health(pod, c, cr).started()
                    : InitContainers.succeeded(cr);
            if (done) {
                continue;
            }
            if (!initialized && !run.initialized) {
                cr.waitingReason = "PodInitializing";
                continue;
            }
            if (cr.mode != ContainerRun.Mode.RUNNING) {
                String policy = sidecar ? "Always" : "Never".equals(pod.getSpec().getRestartPolicy()) ? "Never" : "OnFailure";
                Duration wait = advance(key, pod, c, cr, policy);
                if (wait != null) {
                    waits.add(wait);
                }
            }
            if (!(sidecar && run.initialized)) {
                initialized = false;
            }
        }
        run.initialized |= initialized;
        return run.initialized;
    }

    /**
     * Stops a container that still runs in a pod that has completed or failed (a sidecar, an
     * ephemeral container, any container once the pod's active deadline passed), as the kubelet
     * kills every container of a terminal pod.
     */
    private void stopOnceTerminal(Pod pod, Container c, ContainerRun cr) throws InterruptedException {
        if (cr.mode != ContainerRun.Mode.RUNNING) {
            return;
        }
        // kubelet's killContainer with no message of its own, as for a pod past its active deadline; once,
        // though the stop is asked again at each reconcile until the task has ended.
        if (!cr.terminalStopRecorded) {
            cr.terminalStopRecorded = true;
            events.normal(ContainerReference.of(pod, c.getName()), "Killing", "Stopping container " + c.getName());
        }
        runtime.stop(cr.handle, gracePeriod(pod));
        Optional<ExitResult> exit = runtime.await(cr.handle, PROBE_KILL_EXIT_WAIT);
        if (exit.isPresent()) {
            finish(pod, c, cr, exit.get());
        }
    }

    /** Brings a container that does not run one step on: start it, wait for its back-off, or leave it. */
    private Duration advance(String key, Pod pod, Container c, ContainerRun cr, String restartPolicy)
            throws InterruptedException {
        String problem = cannotRun(pod, c);
        if (problem != null) {
            if (cr.mode == ContainerRun.Mode.WAITING) {
                cr.waitingReason = "CreateContainerError";
                cr.waitingMessage = problem;
                if (!problem.equals(cr.failedEventFor)) {
                    cr.failedEventFor = problem;
                    events.warning(ContainerReference.of(pod, c.getName()), "Failed", "Error: " + problem);
                }
            }
            return null;
        }
        if (cr.mode == ContainerRun.Mode.WAITING) {
            Launch resolved = resolve(pod, c, cr);
            if (resolved == null) {
                return CONFIG_RECHECK;
            }
            start(key, pod, c, cr, resolved);
            return cr.mode == ContainerRun.Mode.RUNNING ? READY_AFTER_RUNNING : START_FAILED_RECHECK;
        }
        if (!shouldRestart(restartPolicy, cr.lastExit) && !cr.definitionChanged) {
            cr.mode = ContainerRun.Mode.EXITED;
            return null;
        }
        Instant now = clock.instant();
        if (now.isBefore(cr.restartAt)) {
            cr.mode = ContainerRun.Mode.BACKOFF;
            cr.waitingReason = "CrashLoopBackOff";
            Duration delay = Duration.between(cr.lastExit == null ? now : Instant.parse(cr.lastExit.getFinishedAt()),
                    cr.restartAt);
            cr.waitingMessage = "back-off " + delay.toSeconds() + "s restarting failed container=" + c.getName()
                    + " pod=" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "("
                    + pod.getMetadata().getUid() + ")";
            if (!cr.restartAt.equals(cr.backoffEventFor)) {
                cr.backoffEventFor = cr.restartAt;
                events.warning(ContainerReference.of(pod, c.getName()), "BackOff",
                        "Back-off restarting failed container " + c.getName() + " in pod "
                        + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "("
                        + pod.getMetadata().getUid() + ")");
            }
            return Duration.between(now, cr.restartAt);
        }
        Launch resolved = resolve(pod, c, cr);
        if (resolved == null) {
            cr.mode = ContainerRun.Mode.BACKOFF; // waits with CreateContainerConfigError
            return CONFIG_RECHECK;
        }
        cr.restartCount++;
        start(key, pod, c, cr, resolved);
        // Once started, look again when it may count as ready, whatever else brings the pod back here.
        return cr.mode == ContainerRun.Mode.RUNNING ? READY_AFTER_RUNNING : START_FAILED_RECHECK;
    }

    /** What a container is started with: its environment and command line, and who and how confined it runs. */
    private record Launch(ContainerEnvironment.Resolved resolved, TaskSecurity security) {}

    /**
     * The container's environment, command line and security, its pod's host ports allocated first;
     * null when they cannot be resolved or may not run, which the container shows as
     * CreateContainerConfigError.
     */
    private Launch resolve(Pod pod, Container c, ContainerRun cr) {
        try {
            ContainerEnvironment.Resolved resolved = environment.resolve(pod, c, ports.ensure(pod));
            return new Launch(resolved, security.of(pod, c));
        } catch (ContainerConfigException | NoFreePortException e) {
            cr.waitingReason = ContainerConfigException.REASON;
            cr.waitingMessage = e.getMessage();
            // Told at every attempt, as startContainer records FailedToCreateContainer at each sync (the recorder
            // counts the repeats: "x5 over 46s").
            events.warning(ContainerReference.of(pod, c.getName()), "Failed", "Error: " + e.getMessage());
            return null;
        }
    }

    private void start(String key, Pod pod, Container c, ContainerRun cr, Launch launch)
            throws InterruptedException {
        ContainerEnvironment.Resolved resolved = launch.resolved();
        Path dir = files.containerDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                pod.getMetadata().getUid(), c.getName());
        ObjectReference container = ContainerReference.of(pod, c.getName());
        if (c.getLifecycle() != null && c.getLifecycle().getPostStart() != null) {
            writeStatusBeforeStart(key, pod);
        }
        TaskHandle handle;
        Instant spawnedAt;
        try {
            LogPipeline.RunFiles output = logs.prepareRun(dir, cr.restartCount);
            Path workDir = c.getWorkingDir() == null || c.getWorkingDir().isEmpty() ? null : Path.of(c.getWorkingDir());
            Path resolvConf = dns.prepare(pod, files.podDir(pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), pod.getMetadata().getUid()));
            TaskSpec spec = new TaskSpec(cr.taskId, resolved.command(), resolved.env(), workDir,
                    output.stdout(), output.stderr(), ContainerResources.of(c), resolvConf, stdio(c), launch.security());
            // The kubelet's startContainer: Created once the runtime has the container, before it starts it, so a
            // start that fails (a program not found: runc's create) follows a Created, as there.
            events.normal(container, "Created", "Created container " + c.getName());
            spawnedAt = clock.instant();
            handle = runtime.start(spec);
        } catch (IOException | TaskException | IllegalArgumentException e) {
            String message = e instanceof IOException io ? new UncheckedIOException(io).getMessage() : e.getMessage();
            Instant now = clock.instant();
            exited(cr, new ContainerStateTerminatedBuilder().withExitCode(128).withReason("StartError")
                    .withMessage(message).withContainerID(cr.containerId()).withStartedAt(MetaTime.format(now)).withFinishedAt(MetaTime.format(now))
                    .build(), Duration.ZERO);
            events.warning(container, "Failed", "Error: " + message);
            return;
        }
        files.saveHandle(dir, handle);
        followLogs(dir);
        cr.handle = handle;
        cr.mode = ContainerRun.Mode.RUNNING;
        cr.image = text(c.getImage());
        cr.definitionChanged = false;
        // The clock read at the spawn, not /proc's start ticks: those count from a boot time in whole seconds, so
        // they could put the start before the pod's startTime or the previous init container's end.
        cr.startedAt = spawnedAt;
        cr.readyFrom = clock.instant().plus(READY_AFTER_RUNNING);
        cr.waitingReason = null;
        cr.waitingMessage = null;
        watch(key, handle);
        events.normal(container, "Started", "Started container " + c.getName());
        hooks.postStart(pod, c, handle, gracePeriod(pod), () -> isBeingDeleted(key));
    }

    /**
     * Writes the status as it is before a container starts whose postStart hook will hold this reconcile (and the
     * status written at its end) while it runs: the kubelet's SyncPod sets the pod's status before it starts the
     * containers, so while a hook runs the pod shows its start time, IPs, conditions and its containers waiting
     * (ContainerCreating), not a Pending pod with nothing. A failed write only costs that view.
     */
    private void writeStatusBeforeStart(String key, Pod pod) {
        PodRun run = runs.get(key);
        try {
            writeStatus(pod, run);
        } catch (KubernetesClientException e) {
            log.debug("pod {}: status before a postStart hook not written: {}", key, e.getMessage());
        }
    }

    /** The first look at a container: adopt its task if a previous agent started it. */
    private ContainerRun adopt(String key, Pod pod, Container c) throws InterruptedException {
        String uid = pod.getMetadata().getUid();
        ContainerRun cr = new ContainerRun(uid + "_" + c.getName(), backoff);
        ContainerStatus previous = statusOf(pod, c.getName());
        if (previous != null && previous.getRestartCount() != null) {
            cr.restartCount = previous.getRestartCount();
        }
        if (previous != null && previous.getLastState() != null) {
            cr.lastExit = previous.getLastState().getTerminated();
        }
        Path dir = files.containerDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), uid, c.getName());
        Optional<TaskHandle> persisted = files.loadHandle(dir);
        if (persisted.isEmpty()) {
            if (previous != null && previous.getState() != null && previous.getState().getTerminated() != null) {
                cr.priorExit = cr.lastExit;
                cr.lastExit = previous.getState().getTerminated(); // ended before this agent's time
                cr.mode = ContainerRun.Mode.EXITED;
            }
            return cr;
        }
        // The start the status says this run had, when it is of this run: as it was shown, not as /proc tells it.
        Instant shownStart = previous != null && cr.containerId().equals(previous.getContainerID())
                ? runningSince(previous) : null;
        Optional<TaskHandle> recovered = runtime.recover(persisted.get());
        if (recovered.isPresent()) {
            cr.handle = recovered.get();
            cr.mode = ContainerRun.Mode.RUNNING;
            // The image the status says it runs: an image changed while no agent watched still restarts it.
            cr.image = previous == null || previous.getImage() == null ? null : previous.getImage();
            cr.startedAt = shownStart != null ? shownStart
                    : runtime.inspect(cr.handle).map(TaskStatus::startedAt).orElse(clock.instant());
            cr.waitingReason = null;
            log.info("adopted task {} of pod {} (pid {})", cr.taskId, key, cr.handle.pid());
            followLogs(dir);
            watch(key, cr.handle);
            return cr;
        }
        // It ended while no agent watched: learn how if the runtime can tell, then restart by policy.
        Optional<TaskStatus> ended = runtime.inspect(persisted.get());
        ExitResult exit = ended.map(TaskStatus::exit).orElse(ExitResult.lost(clock.instant()));
        cr.handle = persisted.get();
        // When it started, not now: a start after its end would make its run time negative (and the back-off).
        cr.startedAt = shownStart != null ? shownStart
                : ended.map(TaskStatus::startedAt).orElseGet(() -> runningSince(previous));
        cr.mode = ContainerRun.Mode.RUNNING;
        finish(pod, c, cr, exit);
        return cr;
    }

    /** Whether the pod of {@code key}, as last seen, is being deleted (or gone). */
    private boolean isBeingDeleted(String key) {
        Pod current = pods.getStore().getByKey(key);
        return current == null || current.getMetadata().getDeletionTimestamp() != null;
    }

    /** When the status last written says the container started running; null when it says nothing. */
    private static Instant runningSince(ContainerStatus previous) {
        if (previous == null || previous.getState() == null || previous.getState().getRunning() == null
                || previous.getState().getRunning().getStartedAt() == null) {
            return null;
        }
        try {
            return Instant.parse(previous.getState().getRunning().getStartedAt());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Notices the end of a running task. */
    private void observe(Pod pod, Container c, ContainerRun cr) throws InterruptedException {
        if (cr.mode != ContainerRun.Mode.RUNNING) {
            return;
        }
        Optional<ExitResult> exit = runtime.await(cr.handle, Duration.ZERO);
        if (exit.isPresent()) {
            finish(pod, c, cr, exit.get());
        }
    }

    private void finish(Pod pod, Container c, ContainerRun cr, ExitResult exit) throws InterruptedException {
        Instant started = cr.startedAt == null ? exit.finishedAt() : cr.startedAt;
        // The kernel stamps the exit with its coarse clock, which may lag the clock read at the spawn by a tick.
        Instant finished = exit.finishedAt().isBefore(started) ? started : exit.finishedAt();
        String reason = exit.oomKilled() ? "OOMKilled" : exit.lost() ? "ContainerStatusUnknown"
                : exit.exitCode() == 0 ? "Completed" : "Error";
        TaskHandle handle = cr.handle;
        forget(handle); // completes the run's log, which the message may be taken from
        Path dir = files.containerDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                pod.getMetadata().getUid(), c.getName());
        // No signal: convertContainerStatus never sets it (the CRI has none), so a kill shows as its exit code, 137.
        ContainerStateTerminated terminated = new ContainerStateTerminatedBuilder().withExitCode(exit.exitCode())
                .withReason(reason).withContainerID(cr.containerId())
                .withMessage(terminationMessages.of(c, dir, cr.restartCount, exit.exitCode()))
                .withStartedAt(MetaTime.format(started)).withFinishedAt(MetaTime.format(finished)).build();
        exited(cr, terminated, Duration.between(started, finished));
    }

    private void exited(ContainerRun cr, ContainerStateTerminated terminated, Duration ranFor) {
        cr.priorExit = cr.lastExit;
        cr.lastExit = terminated;
        cr.handle = null;
        cr.startedAt = null;
        cr.mode = ContainerRun.Mode.EXITED;
        cr.restartAt = Instant.parse(terminated.getFinishedAt()).plus(cr.backoff.afterExit(ranFor));
    }

    /** Destroys an ended task and its persisted handle, and completes its log, which stays. */
    private void forget(TaskHandle handle) throws InterruptedException {
        Thread watcher = watchers.remove(handle.taskId());
        if (watcher != null) {
            watcher.interrupt();
        }
        runtime.destroy(handle);
        runs.values().stream().filter(r -> handle.taskId().startsWith(r.uid + "_")).findFirst().ifPresent(r -> {
            Path dir = files.containerDir(r.namespace, r.name, r.uid, handle.taskId().substring(r.uid.length() + 1));
            try {
                logs.ended(dir);
            } catch (IOException e) {
                log.warn("completing the log of task {} failed: {}", handle.taskId(), e.toString());
            }
            files.deleteHandle(dir);
        });
    }

    /** Starts copying a running task's output into its run's log; a failure costs logs, not the task. */
    private void followLogs(Path containerDir) {
        try {
            logs.follow(containerDir);
        } catch (IOException e) {
            log.warn("cannot follow the output in {}: {}", containerDir, e.toString());
        }
    }

    /**
     * Stops a deleted pod on a thread of its own, as the kubelet gives each pod its own worker: a
     * grace period (an app that ignores SIGTERM keeps it for all of it) must not hold one of the
     * agent's few workers, which start, probe and stop every other pod. A failed stop is tried again.
     */
    private void stopInBackground(String key, Pod pod, PodRun run) {
        run.stopping = Thread.ofVirtual().name("stop-pod-" + key).unstarted(() -> {
            Duration backoff = STOP_RETRY_FIRST;
            while (true) {
                try {
                    terminate(key, pod, run);
                    run.stopping = null;
                    return;
                } catch (InterruptedException e) {
                    return; // the agent is closing
                } catch (RuntimeException e) {
                    // The API refused the last status or the final delete: the containers are stopped; try
                    // again, backing off, rather than drain and adopt the pod anew at a worker's pace.
                    log.warn("pod {}: stopping it failed, will retry in {} ms: {}", key, backoff.toMillis(),
                            e.toString());
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                    backoff = backoff.multipliedBy(2).compareTo(STOP_RETRY_MAX) > 0 ? STOP_RETRY_MAX
                            : backoff.multipliedBy(2);
                }
            }
        });
        run.stopping.start();
    }

    /** Kills a stopping pod's running tasks at once; its stop then sees them gone and finishes. */
    private void killNow(PodRun run) throws InterruptedException {
        for (ContainerRun cr : run.containers.values()) {
            TaskHandle handle = cr.handle;
            if (cr.mode == ContainerRun.Mode.RUNNING && handle != null) {
                runtime.stop(handle, Duration.ZERO);
            }
        }
    }

    private void terminate(String key, Pod pod, PodRun run) throws InterruptedException {
        stopAll(run, drain.graceLeft(pod, gracePeriod(pod)), pod);
        // As the kubelet does since 1.27: the stopped containers and the terminal phase are written before the
        // pod goes, so a watcher sees it end ("0/1 Completed" or "Error") rather than vanish while Terminating.
        run.terminated = true;
        try {
            writeStatus(pod, run);
        } catch (KubernetesClientException e) {
            log.debug("pod {}: final status not written: {}", key, e.getMessage());
        }
        stopped.put(key, run.uid);
        runs.remove(key, run);
        ports.release(key);
        PodDeletion.now(client, pod);
    }

    /** The deletion's grace period, else the pod's terminationGracePeriodSeconds, else 30 s. */
    private static Duration gracePeriod(Pod pod) {
        Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
        if (seconds == null) {
            seconds = pod.getSpec().getTerminationGracePeriodSeconds();
        }
        return Duration.ofSeconds(seconds == null ? DEFAULT_GRACE_SECONDS : seconds);
    }

    /** The container (init or regular) a run of the pod is for; null when the spec no longer has it. */
    private static Container specOf(Pod pod, PodRun run, ContainerRun cr) {
        return java.util.stream.Stream.concat(list(pod.getSpec().getInitContainers()).stream(),
                        pod.getSpec().getContainers().stream())
                .filter(c -> cr.taskId.equals(run.uid + "_" + c.getName())).findFirst().orElse(null);
    }

    /** Stops these running tasks of a pod at once, each within {@code grace} (its preStop hook first). */
    private void stopTogether(PodRun run, List<ContainerRun> running, Duration grace, Pod pod) throws InterruptedException {
        List<Thread> stops = new ArrayList<>();
        for (ContainerRun cr : running) {
            if (pod != null) {
                String name = cr.taskId.substring(run.uid.length() + 1);
                events.normal(ContainerReference.of(pod, name), "Killing", "Stopping container " + name);
            }
            TaskHandle handle = cr.handle;
            Container spec = pod == null ? null : specOf(pod, run, cr);
            stops.add(Thread.ofVirtual().name("stop-" + cr.taskId).start(() -> {
                try {
                    runtime.stop(handle, spec == null ? grace : hooks.preStop(pod, spec, handle, grace));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread stop : stops) {
            stop.join();
        }
    }

    /**
     * Stops every running task of a pod within {@code grace} (preStop hooks first), sidecars last,
     * and forgets them all.
     */
    private void stopAll(PodRun run, Duration grace, Pod pod) throws InterruptedException {
        probes.forget(run.uid);
        long deadline = System.nanoTime() + grace.toNanos();
        List<ContainerRun> running = run.containers.values().stream()
                .filter(cr -> cr.mode == ContainerRun.Mode.RUNNING).toList();
        List<Container> sidecars = pod == null ? List.of() : InitContainers.sidecars(pod);
        List<String> sidecarIds = sidecars.stream().map(c -> run.uid + "_" + c.getName()).toList();
        // The containers first, together; then the sidecars one at a time in reverse order, as the
        // kubelet stops them, so a container's last requests still find its sidecars (a proxy) running.
        stopTogether(run, running.stream().filter(cr -> !sidecarIds.contains(cr.taskId)).toList(), grace, pod);
        for (int i = sidecars.size() - 1; i >= 0; i--) {
            ContainerRun cr = run.containers.get(sidecars.get(i).getName());
            if (cr != null && cr.mode == ContainerRun.Mode.RUNNING) {
                Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0));
                stopTogether(run, List.of(cr), left.compareTo(SIDECAR_MIN_GRACE) < 0 ? SIDECAR_MIN_GRACE : left, pod);
            }
        }
        for (ContainerRun cr : running) {
            Container spec = pod == null ? null : specOf(pod, run, cr);
            Optional<ExitResult> exit = spec == null ? Optional.empty() : runtime.await(cr.handle, STOPPED_EXIT_WAIT);
            if (exit.isPresent()) {
                finish(pod, spec, cr, exit.get()); // its exit code and reason for the pod's last status
            } else {
                forget(cr.handle);
                cr.handle = null;
                cr.mode = ContainerRun.Mode.EXITED;
                if (spec != null) {
                    // Not the exit of a run before this one: the kubelet's word for an end it could not see.
                    cr.priorExit = cr.lastExit;
                    cr.lastExit = new ContainerStateTerminatedBuilder().withExitCode(137)
                            .withReason("ContainerStatusUnknown")
                            .withMessage("The container could not be located when the pod was terminated")
                            .withFinishedAt(MetaTime.format(clock.instant())).build();
                }
            }
        }
        PodFiles.deleteTree(files.podDir(run.namespace, run.name, run.uid));
    }

    /** Stops every task this agent runs (for a server whose pods must not outlive it). */
    void stopEverything(Duration grace) throws InterruptedException {
        for (PodRun run : List.copyOf(runs.values())) {
            stopAll(run, grace, null);
        }
        runs.clear();
        destroyOrphans(Map.of());
    }

    /**
     * Destroys the tasks persisted for pods not in {@code liveUids}: pods deleted while no agent
     * ran. Called once the informer has listed this node's pods.
     */
    void destroyOrphans(Map<String, Pod> liveUids) throws InterruptedException {
        for (Path podDir : files.podDirs()) {
            if (liveUids.containsKey(PodFiles.uidOf(podDir))) {
                continue;
            }
            for (TaskHandle persisted : PodFiles.handlesIn(podDir)) {
                Optional<TaskHandle> live = runtime.recover(persisted);
                if (live.isPresent()) {
                    runtime.stop(live.get(), ORPHAN_GRACE);
                }
                runtime.destroy(persisted);
            }
            // A container whose start the agent did not live to record has no handle, and may still run.
            for (String container : PodFiles.containerNamesIn(podDir)) {
                runtime.destroyUnrecorded(PodFiles.uidOf(podDir) + "_" + container);
            }
            PodFiles.deleteTree(podDir);
        }
    }

    /**
     * Where a command exec'd in a running container runs: its task's environment, working
     * directory and cgroup, and the task its sessions end with. Empty when the container does not run here (or the runtime cannot exec).
     */
    Optional<ExecTarget> execTarget(String namespace, String pod, String container) {
        PodRun run = runs.get(namespace + "/" + pod);
        ContainerRun cr = run == null ? null : run.containers.get(container);
        TaskHandle handle = cr == null || cr.mode != ContainerRun.Mode.RUNNING ? null : cr.handle;
        if (handle == null || !(runtime instanceof TaskExec exec)) {
            return Optional.empty();
        }
        return exec.environment(handle).map(e -> new ExecTarget(e.env(), e.workingDir(), e.cgroupProcs(),
                e.mountNamespace(), e.security(), sessionId -> exec.adoptSession(handle, sessionId)));
    }

    /**
     * Attaches to a running container's task (kubectl attach); empty when it does not run here or
     * the runtime cannot attach.
     */
    Optional<TaskStreams> attach(String namespace, String pod, String container, boolean stdin) throws IOException {
        PodRun run = runs.get(namespace + "/" + pod);
        ContainerRun cr = run == null ? null : run.containers.get(container);
        TaskHandle handle = cr == null || cr.mode != ContainerRun.Mode.RUNNING ? null : cr.handle;
        if (handle == null || !(runtime instanceof TaskAttach attachable)) {
            return Optional.empty();
        }
        return attachable.attach(handle, stdin);
    }

    private static TaskStdio stdio(Container c) {
        return new TaskStdio(Boolean.TRUE.equals(c.getStdin()), Boolean.TRUE.equals(c.getStdinOnce()),
                Boolean.TRUE.equals(c.getTty()));
    }

    /**
     * Where port-forward connections to a pod go: the host ports its containerPorts were given.
     * Empty when none of the pod's containers runs here.
     */
    Optional<PortForwardTarget> portForwardTarget(String namespace, String pod) {
        String key = namespace + "/" + pod;
        PodRun run = runs.get(key);
        Pod current = pods.getStore().getByKey(key);
        if (run == null || current == null || !current.getMetadata().getUid().equals(run.uid)
                || run.containers.values().stream().noneMatch(cr -> cr.mode == ContainerRun.Mode.RUNNING)) {
            return Optional.empty();
        }
        PodPorts hostPorts = ports.portsOf(current);
        return Optional.of(new PortForwardTarget(key, run.uid, port -> hostPorts.assigned(port, "TCP").orElse(port)));
    }

    /** Stops watching task exits, and interrupts the stops of deleted pods; the tasks keep running. */
    void close() {
        runs.values().forEach(run -> {
            Thread stopping = run.stopping;
            if (stopping != null) {
                stopping.interrupt();
            }
        });
        probes.close();
        watchers.values().forEach(Thread::interrupt);
        watchers.clear();
    }

    private void watch(String key, TaskHandle handle) {
        Thread previous = watchers.put(handle.taskId(), Thread.ofVirtual().name("await-" + handle.taskId())
                .start(() -> {
                    try {
                        while (runtime.await(handle, Duration.ofHours(1)).isEmpty()) {
                            // still running
                        }
                        requeue.accept(key);
                    } catch (InterruptedException e) {
                        // no longer watched
                    } catch (RuntimeException e) {
                        log.warn("waiting for task {} failed: {}", handle.taskId(), e.toString());
                        requeue.accept(key);
                    }
                }));
        if (previous != null) {
            previous.interrupt();
        }
    }

    /** Why this container cannot run on this node, or null when it can. */
    private static String cannotRun(Pod pod, Container c) {
        String runtimeClass = pod.getSpec().getRuntimeClassName();
        if (runtimeClass != null && !runtimeClass.isEmpty() && !runtimeClass.equals(PROCESS_RUNTIME)) {
            return "runtime class " + runtimeClass + " is not available on this node (it has: process)";
        }
        // With no image entrypoint to prepend, args alone are the command line (as `kubectl run
        // NAME --image=x -- cmd` sends them).
        if (list(c.getCommand()).isEmpty() && list(c.getArgs()).isEmpty()) {
            return c.getImage() != null && !c.getImage().isEmpty()
                    ? IMAGE_WITHOUT_COMMAND
                    : "the process runtime runs commands: set command";
        }
        // Mounting nothing and running anyway would point the process at the node's own files at those paths.
        if (!list(c.getVolumeMounts()).isEmpty()) {
            String mounts = c.getVolumeMounts().stream().map(m -> m.getName() + " at " + m.getMountPath())
                    .collect(java.util.stream.Collectors.joining(", "));
            return "the process runtime does not mount volumes yet (volumeMounts: " + mounts + ")";
        }
        return null;
    }

    private static boolean shouldRestart(String restartPolicy, ContainerStateTerminated exit) {
        return switch (restartPolicy) {
            case "Never" -> false;
            case "OnFailure" -> exit == null || exit.getExitCode() == null || exit.getExitCode() != 0;
            default -> true;
        };
    }

    /**
     * Marks a deleted pod's containers not ready, which takes it out of its Services' serving
     * endpoints before it gets SIGTERM ({@link DrainCheck}); its status is written at once.
     */
    private boolean stopServing(Pod pod, PodRun run) {
        run.unserving = true;
        try {
            writeStatus(pod, run);
            return true;
        } catch (KubernetesClientException e) {
            log.debug("pod {}/{}: not-ready status not written, will retry: {}", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), e.getMessage());
            return false;
        }
    }

    /**
     * Writes the pod's status when it changed, on the newest version of the pod when it changed since it was read:
     * by this agent's own write before a postStart hook, or during a stop (a shorter grace period, a finalizer's
     * controller), so that a stopped pod a finalizer holds still says it ended.
     */
    private void writeStatus(Pod pod, PodRun run) {
        try {
            writeStatusOn(pod, run);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            Pod newest = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata()
                    .getName()).get();
            if (newest != null && newest.getMetadata().getUid().equals(pod.getMetadata().getUid())) {
                writeStatusOn(newest, run);
            }
        }
    }

    private void writeStatusOn(Pod pod, PodRun run) {
        PodStatus current = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        PodStatus desired = PodStatuses.build(pod, run, host.internalIp(), clock.instant(),
                (c, cr) -> run.unserving ? health(pod, c, cr).notReady() : health(pod, c, cr));
        if (desired.equals(current)) {
            return;
        }
        Pod copy = client.getKubernetesSerialization().clone(pod);
        copy.setStatus(desired);
        client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(copy).updateStatus();
    }
}
