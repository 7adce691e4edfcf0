package io.drover.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeapSizingTest {

    /** Flags kept in a map, with the JVM's rule that the minimum may not exceed the maximum. */
    private static final class RecordedFlags implements HeapSizing.Flags {
        final Map<String, Integer> values = new HashMap<>();
        final List<String> writes = new ArrayList<>();

        RecordedFlags(int minFree, int maxFree) {
            values.put("MinHeapFreeRatio", minFree);
            values.put("MaxHeapFreeRatio", maxFree);
        }

        @Override
        public int get(String name) {
            return values.get(name);
        }

        @Override
        public void set(String name, int value) {
            int min = name.equals("MinHeapFreeRatio") ? value : values.get("MinHeapFreeRatio");
            int max = name.equals("MaxHeapFreeRatio") ? value : values.get("MaxHeapFreeRatio");
            if (min > max) {
                throw new IllegalArgumentException(name + "=" + value + " would put the minimum above the maximum");
            }
            values.put(name, value);
            writes.add(name + "=" + value);
        }
    }

    private final AtomicLong allocated = new AtomicLong(123L << 20);
    private final RecordedFlags flags = new RecordedFlags(10, 20);
    private final HeapSizing sizing = new HeapSizing(allocated::get, flags);

    /** One second in which the server allocated that many MiB. */
    private void tick(int mib) {
        allocated.addAndGet((long) mib << 20);
        sizing.tick();
    }

    @Test
    void sixteenMibInASecondLoosenTheRatiosMaximumFirst() {
        tick(15);
        assertThat(sizing.busy()).isFalse();
        assertThat(flags.writes).isEmpty();

        tick(16);
        assertThat(sizing.busy()).isTrue();
        assertThat(flags.writes).containsExactly("MaxHeapFreeRatio=70", "MinHeapFreeRatio=40");
    }

    @Test
    void threeQuietSecondsRestoreTheStartingRatiosMinimumFirst() {
        tick(60);
        tick(40);
        tick(10);
        tick(0);
        assertThat(sizing.busy()).as("two quiet seconds").isTrue();
        tick(0);
        assertThat(sizing.busy()).isFalse();
        assertThat(flags.values).containsEntry("MinHeapFreeRatio", 10).containsEntry("MaxHeapFreeRatio", 20);
        assertThat(flags.writes).containsExactly(
                "MaxHeapFreeRatio=70", "MinHeapFreeRatio=40", "MinHeapFreeRatio=10", "MaxHeapFreeRatio=20");
    }

    @Test
    void aBusySecondBeforeTheQuietOnesEndStartsTheCountAgain() {
        tick(50);
        tick(2);
        tick(0);
        tick(30);
        tick(1);
        tick(0);
        assertThat(sizing.busy()).isTrue();
        assertThat(flags.writes).hasSize(2);
        tick(0);
        assertThat(sizing.busy()).isFalse();
    }

    @Test
    void aServerThatOnlyServesItsPodsIsNotBusy() {
        for (int second = 0; second < 20; second++) {
            tick(7);
        }
        assertThat(sizing.busy()).isFalse();
        assertThat(flags.writes).isEmpty();
    }

    @Test
    void ratiosAsLooseAsTheDefaultsLeaveNothingToDo() {
        assertThat(new HeapSizing(allocated::get, new RecordedFlags(40, 70)).tighterThanBusy()).isFalse();
        assertThat(new HeapSizing(allocated::get, new RecordedFlags(10, 20)).tighterThanBusy()).isTrue();
    }

    @Test
    void theJvmTakesBothRatiosAtRuntime() {
        // What start() relies on: the two flags are manageable in this JVM.
        HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String min = bean.getVMOption("MinHeapFreeRatio").getValue();
        String max = bean.getVMOption("MaxHeapFreeRatio").getValue();
        try {
            bean.setVMOption("MinHeapFreeRatio", "10");
            bean.setVMOption("MaxHeapFreeRatio", "20");
            assertThat(bean.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("20");
            assertThatThrownBy(() -> bean.setVMOption("MinHeapFreeRatio", "30"))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            bean.setVMOption("MaxHeapFreeRatio", max);
            bean.setVMOption("MinHeapFreeRatio", min);
        }
    }
}
