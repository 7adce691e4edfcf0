package io.drover.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcesTest {

    @Test
    void parsesCpuInMillicoresRoundingUp() {
        assertThat(Resources.milli(new Quantity("100m"))).isEqualTo(100);
        assertThat(Resources.milli(new Quantity("1"))).isEqualTo(1000);
        assertThat(Resources.milli(new Quantity("0.5"))).isEqualTo(500);
        assertThat(Resources.milli(new Quantity("1e3"))).isEqualTo(1_000_000);
        assertThat(Resources.milli(new Quantity("0.0001"))).isEqualTo(1);
        assertThat(Resources.milli(null)).isZero();
    }

    @Test
    void parsesMemoryInBytes() {
        assertThat(Resources.value(new Quantity("128Mi"))).isEqualTo(128L * 1024 * 1024);
        assertThat(Resources.value(new Quantity("1Gi"))).isEqualTo(1L << 30);
        assertThat(Resources.value(new Quantity("500M"))).isEqualTo(500_000_000L);
        assertThat(Resources.value(new Quantity("1e9"))).isEqualTo(1_000_000_000L);
        assertThat(Resources.value(new Quantity("1500m"))).isEqualTo(2);
    }

    @Test
    void podRequestsAreContainersSummedOrTheLargestInitContainer() {
        var spec = new PodSpecBuilder()
                .addToContainers(container("a", "100m", "64Mi"), container("b", "200m", "64Mi"))
                .addToInitContainers(container("i1", "1", "16Mi"), container("i2", "100m", "100Mi"))
                .build();
        assertThat(Resources.requestsOf(spec)).isEqualTo(new Resources(1000, 128L << 20, 0));
    }

    @Test
    void sidecarInitContainersAddToTheContainersAndToLaterInitContainers() {
        var sidecar = new ContainerBuilder(container("s", "100m", "0")).withRestartPolicy("Always").build();
        var spec = new PodSpecBuilder()
                .addToContainers(container("a", "200m", "0"))
                .addToInitContainers(sidecar, container("i", "250m", "0"))
                .build();
        // containers 200m + sidecar 100m = 300m; the later init container needs 250m + 100m = 350m.
        assertThat(Resources.requestsOf(spec).milliCpu()).isEqualTo(350);
    }

    @Test
    void podOverheadIsAdded() {
        var spec = new PodSpecBuilder().addToContainers(container("a", "100m", "0"))
                .withOverhead(Map.of("cpu", new Quantity("50m"))).build();
        assertThat(Resources.requestsOf(spec).milliCpu()).isEqualTo(150);
    }

    private static io.fabric8.kubernetes.api.model.Container container(String name, String cpu, String memory) {
        return new ContainerBuilder().withName(name).withNewResources()
                .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory))).endResources().build();
    }
}
