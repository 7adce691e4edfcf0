package io.drover.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets G1 keep the heap a busy server grew, and gives it back once the server is quiet again.
 *
 * <p>The launcher starts the server with tight heap-free ratios (MinHeapFreeRatio=10,
 * MaxHeapFreeRatio=10; docs/ARCHITECTURE.md "Server memory"): after each marking cycle G1 uncommits
 * all but 10% free, which keeps an idle server small. Under load the same ratios shrink the heap at
 * every Remark, so young collections come sooner and start the next marking cycle at once: under
 * paced creates a young pause every 0.3 s and a marking cycle every 2 s. Both flags are manageable,
 * so this sets the JVM's defaults (40/70) while the server allocates at least
 * {@link #BUSY_BYTES_PER_SECOND} and puts the starting values back after {@link #QUIET_TICKS}
 * seconds below that, before the periodic collection (G1PeriodicGCInterval, 5 s without a
 * collection) that shrinks an idle heap. The allocation rate, not the collections' rate, tells busy
 * from quiet: the looser heap itself collects less often.
 */
public final class HeapSizing {
    private static final Logger log = LoggerFactory.getLogger(HeapSizing.class);

    static final int BUSY_MIN_FREE = 40;
    static final int BUSY_MAX_FREE = 70;
    /**
     * Allocation in one tick (a second) that makes the server busy. An idle server allocates about
     * 1 MiB/s, one serving 400 proxied requests/s with ten pods about 7; paced creates at 600/s
     * allocate 55.
     */
    static final long BUSY_BYTES_PER_SECOND = 16L << 20;
    /** Ticks below that before the starting ratios come back. */
    static final int QUIET_TICKS = 3;

    /** Where the ratios are read and set: the JVM's manageable flags, or a test's double. */
    interface Flags {
        int get(String name);

        void set(String name, int value);
    }

    private final LongSupplier allocatedBytes;
    private final Flags flags;
    private final int quietMinFree;
    private final int quietMaxFree;
    private long lastAllocated;
    private int quietTicks;
    private boolean busy;

    HeapSizing(LongSupplier allocatedBytes, Flags flags) {
        this.allocatedBytes = allocatedBytes;
        this.flags = flags;
        this.quietMinFree = flags.get("MinHeapFreeRatio");
        this.quietMaxFree = flags.get("MaxHeapFreeRatio");
        this.lastAllocated = allocatedBytes.getAsLong();
    }

    /**
     * Adjusts this JVM's ratios every second from now until it exits (a daemon thread). Does nothing
     * when there is nothing to adjust: ratios already as loose as the defaults (a server started
     * without the launcher), or a JVM that does not count allocation.
     */
    public static void start() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        // -1: counting is switched off.
        if (!threads.isThreadAllocatedMemorySupported() || threads.getTotalThreadAllocatedBytes() < 0) {
            return;
        }
        HeapSizing sizing = new HeapSizing(threads::getTotalThreadAllocatedBytes, new JvmFlags());
        if (!sizing.tighterThanBusy()) {
            return;
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heap-sizing");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(sizing::tickOrStop, 1, 1, TimeUnit.SECONDS);
    }

    boolean tighterThanBusy() {
        return quietMaxFree < BUSY_MAX_FREE || quietMinFree < BUSY_MIN_FREE;
    }

    boolean busy() {
        return busy;
    }

    /** One second's look at what was allocated since the last. */
    void tick() {
        long allocated = allocatedBytes.getAsLong();
        long bytes = allocated - lastAllocated;
        lastAllocated = allocated;
        if (bytes >= BUSY_BYTES_PER_SECOND) {
            quietTicks = 0;
            if (!busy) {
                // Max first: MinHeapFreeRatio may never exceed MaxHeapFreeRatio.
                flags.set("MaxHeapFreeRatio", Math.max(quietMaxFree, BUSY_MAX_FREE));
                flags.set("MinHeapFreeRatio", Math.max(quietMinFree, BUSY_MIN_FREE));
                busy = true;
            }
        } else if (busy && ++quietTicks >= QUIET_TICKS) {
            flags.set("MinHeapFreeRatio", quietMinFree);
            flags.set("MaxHeapFreeRatio", quietMaxFree);
            busy = false;
        }
    }

    /** A tick that throws ends the schedule: a refused flag leaves the launcher's sizing in place. */
    private void tickOrStop() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("heap sizing stopped: {}", e.toString());
            throw e;
        }
    }

    /** The running JVM's flags through HotSpot's diagnostic bean. */
    private static final class JvmFlags implements Flags {
        private final HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

        @Override
        public int get(String name) {
            return Integer.parseInt(bean.getVMOption(name).getValue());
        }

        @Override
        public void set(String name, int value) {
            bean.setVMOption(name, Integer.toString(value));
        }
    }
}
