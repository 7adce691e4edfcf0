package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.ClusterBootstrap;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.service.ServiceAllocations;
import io.drover.testing.TempSqliteStore;
import java.time.Clock;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A generated name that is taken is replaced, up to kube-apiserver's 8 attempts (RetryGenerateName). */
class GenerateNameRetryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ResourceType CONFIGMAPS = REGISTRY.find("", "v1", "configmaps").orElseThrow();

    /** Random numbers that repeat one value for a number of draws, then count up from it. */
    private static final class Scripted implements RandomGenerator {
        private final int repeats;
        private int draws;

        Scripted(int repeats) {
            this.repeats = repeats;
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int nextInt(int bound) {
            int n = draws++ < repeats ? 0 : draws;
            return n % bound;
        }
    }

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-generate-name");

    @BeforeEach
    void bootstrap() {
        ClusterBootstrap.run(storage(new Scripted(Integer.MAX_VALUE)), REGISTRY, JSON);
    }

    private ObjectStorage storage(RandomGenerator names) {
        return new ObjectStorage(temp.store(), JSON, Clock.systemUTC(), ServiceAllocations.defaults(), names);
    }

    private static ObjectNode generated(String prefix) {
        ObjectNode cm = JSON.createObjectNode();
        cm.putObject("metadata").put("generateName", prefix);
        cm.putObject("data").put("k", "v");
        return cm;
    }

    @Test
    void aTakenGeneratedNameIsReplacedByANewOne() {
        // Every draw is 0 ("b") for the first two names: the second create collides twice, then
        // gets a name of other characters.
        assertThat(storage(new Scripted(Integer.MAX_VALUE)).create(CONFIGMAPS, "default", generated("web-"), false)
                .path("metadata").path("name").asText()).isEqualTo("web-bbbbb");
        ObjectNode created = storage(new Scripted(10)).create(CONFIGMAPS, "default", generated("web-"), false);

        String name = created.path("metadata").path("name").asText();
        assertThat(name).startsWith("web-").hasSize(9).isNotEqualTo("web-bbbbb");
        assertThat(created.path("metadata").path("generateName").asText()).isEqualTo("web-");
        assertThat(created.path("data").path("k").asText()).isEqualTo("v");
    }

    @Test
    void afterEightTakenNamesTheCreateFailsWithAlreadyExists() {
        ObjectStorage alwaysB = storage(new Scripted(Integer.MAX_VALUE));
        alwaysB.create(CONFIGMAPS, "default", generated("web-"), false);
        Scripted draws = new Scripted(Integer.MAX_VALUE);

        assertThatThrownBy(() -> storage(draws).create(CONFIGMAPS, "default", generated("web-"), false))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(409);
                    assertThat(e.reason()).isEqualTo("AlreadyExists");
                    assertThat(e.getMessage()).contains("configmaps \"web-bbbbb\" already exists");
                });
        assertThat(draws.draws).isEqualTo(ObjectStorage.GENERATE_NAME_ATTEMPTS * 5);
    }

    @Test
    void aDryRunMakesOneAttempt() {
        storage(new Scripted(Integer.MAX_VALUE)).create(CONFIGMAPS, "default", generated("web-"), false);
        Scripted draws = new Scripted(Integer.MAX_VALUE);

        assertThatThrownBy(() -> storage(draws).create(CONFIGMAPS, "default", generated("web-"), true))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.reason()).isEqualTo("AlreadyExists"));
        assertThat(draws.draws).isEqualTo(5);
    }
}
