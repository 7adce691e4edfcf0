// The API server benchmark, run by bench/api-bench.sh: drives one or more running drover API
// servers over HTTPS and prints a Markdown table on stdout (progress on stderr). The throughput
// and paced-latency phases run wrk (bench/api-bench.lua, C and OpenSSL: a fraction of the CPU per
// request the JDK client needs, which shares the 2 cores with the server); set-up, the LIST and
// the watch fan-out use the JDK HttpClient (HTTP/1.1, bearer token, TLS trusting the
// kubeconfig's CA). Needs wrk on PATH; otherwise JDK only; runs as a single-file source program:
//
//   java bench/ApiBench.java --target sqlite=DATA_DIR --target etcd=DATA_DIR [--quick]
//
// DATA_DIR is a server's --data-dir; its kubeconfig gives the URL, the CA and the token.
// With two targets, the ratio column divides the first target's figure by the second's.
// Not a test; not part of `mvn test`.

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class ApiBench {

    static boolean quick;
    static int clients = 16;
    static double phaseSeconds = 10;
    /** wrk's threads: one per core of the 2-core machine the benchmark was written for. */
    static final int WRK_THREADS = 2;
    /** Unmeasured seconds of a paced phase's load before its measured seconds. */
    static final double PACED_LEAD_IN_SECONDS = 5;
    static int listSize = 1000;
    static int watchers = 500;
    static int watchEvents = 50;
    static double watchEventsPerSecond = 25;

    public static void main(String[] args) throws Exception {
        Map<String, Path> targets = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--target" -> {
                    String[] kv = args[++i].split("=", 2);
                    targets.put(kv[0], Path.of(kv[1]));
                }
                case "--quick" -> quick = true;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("usage: ApiBench --target NAME=DATA_DIR ... [--quick]");
        }
        if (quick) {
            phaseSeconds = 1;
            listSize = 200;
            watchers = 50;
            watchEvents = 10;
        }
        Map<String, Results> results = new LinkedHashMap<>();
        for (var e : targets.entrySet()) {
            results.put(e.getKey(), new Target(e.getKey(), e.getValue()).run());
        }
        print(results);
    }

    // ---------------------------------------------------------------------------------------------

    static final class Results {
        double coldCreatesPerSec;
        int warmUpRounds;
        double createsPerSec, createP50, createP99;
        double getsPerSec, getP50, getP99;
        double listMedianMs, listMiB;
        int listItems;
        double watchP50, watchP99, watchMax;
        long watchDelivered, watchExpected;
        double pacedCreateRate, pacedCreateAchieved, pacedCreateP50, pacedCreateP99;
        double pacedGetRate, pacedGetAchieved, pacedGetP50, pacedGetP99;
        long errors;
        double createSrvCpuMs, createCliCpuMs, getSrvCpuMs, getCliCpuMs;
        boolean hasSrvCpu;
    }

    static final class Target {
        final String name;
        final URI base;
        final String token;
        final SSLContext ssl;
        final HttpClient http;
        final Results r = new Results();
        final AtomicLong errors = new AtomicLong();
        final String payload;
        /** A ConfigMap with generateName and the payload: the body of every create wrk sends. */
        final Path bodyFile;

        Target(String name, Path dataDir) throws Exception {
            this.name = name;
            String kubeconfig = Files.readString(dataDir.resolve("kubeconfig"));
            this.base = URI.create(field(kubeconfig, "server"));
            this.token = field(kubeconfig, "token");
            byte[] caPem = Base64.getDecoder().decode(field(kubeconfig, "certificate-authority-data"));
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int n = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(caPem))) {
                ks.setCertificateEntry("ca" + n++, (X509Certificate) cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            http = newClient();
            Path pidFile = dataDir.resolve("bench.pids");
            if (Files.exists(pidFile)) {
                for (String p : Files.readString(pidFile).trim().split("\\s+")) pids.add(Long.parseLong(p));
            }
            // ~1 KiB of data per ConfigMap.
            StringBuilder sb = new StringBuilder();
            Random rnd = new Random(42);
            String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            for (int i = 0; i < 1024; i++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            payload = sb.toString();
            bodyFile = Files.createTempFile("api-bench-configmap", ".json");
            bodyFile.toFile().deleteOnExit();
            Files.writeString(bodyFile, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":\"c-\"},"
                    + "\"data\":{\"payload\":\"" + payload + "\"}}");
        }

        HttpClient newClient() {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
                    .connectTimeout(Duration.ofSeconds(10)).build();
        }

        /** CPU time (ms) of the server side: the processes listed in DATA_DIR/bench.pids, from /proc; -1 if unknown. */
        final List<Long> pids = new ArrayList<>();

        double serverCpuMs() {
            if (pids.isEmpty()) return -1;
            double total = 0;
            for (long pid : pids) {
                try {
                    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0; // utime + stime, 100 ticks/s
                } catch (IOException | RuntimeException e) {
                    return -1;
                }
            }
            return total;
        }

        static double clientCpuMs() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e6;
        }

        static String field(String yaml, String key) {
            Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + ":\\s*\"?([^\"\\s]+)\"?\\s*$").matcher(yaml);
            if (!m.find()) throw new IllegalStateException("kubeconfig has no " + key);
            return m.group(1);
        }

        void log(String msg) {
            System.err.printf("api-bench [%s] %s%n", name, msg);
        }

        HttpRequest.Builder req(String path) {
            return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json").timeout(Duration.ofSeconds(30));
        }

        String configMap(String ns, String name) {
            return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\""
                    + ns + "\"},\"data\":{\"payload\":\"" + payload + "\"}}";
        }

        /** POSTs a ConfigMap; returns the response body, or null (and counts an error) on a non-201. */
        String create(HttpClient client, String ns, String name) {
            try {
                HttpResponse<String> resp = client.send(req("/api/v1/namespaces/" + ns + "/configmaps")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(configMap(ns, name))).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() != 201) {
                    if (errors.incrementAndGet() <= 5) log("create " + ns + "/" + name + ": HTTP " + resp.statusCode() + " " + trim(resp.body()));
                    return null;
                }
                return resp.body();
            } catch (IOException | InterruptedException e) {
                if (errors.incrementAndGet() <= 5) log("create " + ns + "/" + name + ": " + e);
                return null;
            }
        }

        boolean get(String ns, String name) {
            try {
                HttpResponse<byte[]> resp = http.send(req("/api/v1/namespaces/" + ns + "/configmaps/" + name).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (resp.statusCode() != 200) {
                    if (errors.incrementAndGet() <= 5) log("get " + ns + "/" + name + ": HTTP " + resp.statusCode());
                    return false;
                }
                return true;
            } catch (IOException | InterruptedException e) {
                if (errors.incrementAndGet() <= 5) log("get " + ns + "/" + name + ": " + e);
                return false;
            }
        }

        void namespace(String ns) throws Exception {
            HttpResponse<String> resp = http.send(req("/api/v1/namespaces").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 201) throw new IllegalStateException("create namespace " + ns + ": HTTP " + resp.statusCode() + " " + trim(resp.body()));
        }

        Results run() throws Exception {
            log("server " + base);
            for (String ns : List.of("bench-warm", "bench-create", "bench-list", "bench-watch", "bench-paced")) namespace(ns);

            // The 1,000 ConfigMaps of the LIST phase, also the objects every GET phase reads.
            AtomicInteger next = new AtomicInteger();
            runWorkers(clients, t -> {
                for (int i; (i = next.getAndIncrement()) < listSize; ) create(http, "bench-list", "l-" + i);
            });

            warmUp();

            // (a) creates/s, 16 connections, closed loop.
            WrkResult a = wrk("create", "bench-create", 0, phaseSeconds);
            r.createsPerSec = a.rate();
            r.createP50 = a.p50Ms;
            r.createP99 = a.p99Ms;
            r.createSrvCpuMs = a.serverCpuMs / a.requests;
            r.createCliCpuMs = a.clientCpuMs / a.requests;
            r.hasSrvCpu = a.serverCpuMs >= 0;
            log(String.format("creates: %,.0f/s (%d), p50 %.2f ms, p99 %.2f ms; CPU per create: server %.2f ms, wrk %.2f ms",
                    r.createsPerSec, a.requests, r.createP50, r.createP99, r.createSrvCpuMs, r.createCliCpuMs));

            // (b) gets/s of random objects of bench-list, 16 connections, closed loop.
            WrkResult b = wrk("get", null, 0, phaseSeconds);
            r.getsPerSec = b.rate();
            r.getP50 = b.p50Ms;
            r.getP99 = b.p99Ms;
            r.getSrvCpuMs = b.serverCpuMs / b.requests;
            r.getCliCpuMs = b.clientCpuMs / b.requests;
            r.hasSrvCpu &= b.serverCpuMs >= 0;
            log(String.format("gets: %,.0f/s (%d), p50 %.2f ms, p99 %.2f ms; CPU per get: server %.2f ms, wrk %.2f ms",
                    r.getsPerSec, b.requests, r.getP50, r.getP99, r.getSrvCpuMs, r.getCliCpuMs));

            // (c) LIST of the 1,000 ConfigMaps: median of 5 full LISTs.
            double[] listMs = new double[5];
            for (int k = 0; k < listMs.length; k++) {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> resp = http.send(req("/api/v1/namespaces/bench-list/configmaps").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                listMs[k] = (System.nanoTime() - t0) / 1e6;
                if (resp.statusCode() != 200) throw new IllegalStateException("list: HTTP " + resp.statusCode());
                String body = new String(resp.body(), StandardCharsets.UTF_8);
                r.listItems = count(body, "\"name\":\"l-");
                r.listMiB = resp.body().length / 1048576.0;
            }
            Arrays.sort(listMs);
            r.listMedianMs = listMs[listMs.length / 2];
            log(String.format("list of %d: median %.1f ms (%s), %.2f MiB", r.listItems, r.listMedianMs, Arrays.toString(listMs), r.listMiB));

            watchFanOut();

            // (e) latency at half the measured maximum: creates paced at 50% of (a), then gets at 50% of (b).
            r.pacedCreateRate = r.createsPerSec / 2;
            WrkResult e1 = paced("create", "bench-paced", r.pacedCreateRate, phaseSeconds);
            r.pacedCreateAchieved = e1.rate();
            r.pacedCreateP50 = e1.p50Ms;
            r.pacedCreateP99 = e1.p99Ms;
            log(String.format("paced creates at %,.0f/s: achieved %,.0f/s, p50 %.2f ms, p99 %.2f ms", r.pacedCreateRate, r.pacedCreateAchieved, r.pacedCreateP50, r.pacedCreateP99));
            r.pacedGetRate = r.getsPerSec / 2;
            WrkResult e2 = paced("get", null, r.pacedGetRate, phaseSeconds);
            r.pacedGetAchieved = e2.rate();
            r.pacedGetP50 = e2.p50Ms;
            r.pacedGetP99 = e2.p99Ms;
            log(String.format("paced gets at %,.0f/s: achieved %,.0f/s, p50 %.2f ms, p99 %.2f ms", r.pacedGetRate, r.pacedGetAchieved, r.pacedGetP50, r.pacedGetP99));

            r.errors = errors.get();
            http.close();
            return r;
        }

        /**
         * Rounds of 5 s of creates and 2 s of gets until the creates/s of three rounds in a row lie
         * within 10% of their lowest (at most 12 rounds), so that the measured phases see the
         * server's steady state: a cold server runs its first seconds at a third of the warm rate,
         * and the etcd path, slower, takes longer to get its code compiled. Two rounds were not
         * enough: an etcd server went 814, 1,262, 1,332 creates/s, stopped there, and then ran
         * 1,994/s. The first round's rate is reported as the cold figure.
         */
        void warmUp() throws Exception {
            List<Double> rates = new ArrayList<>();
            for (int round = 1; round <= (quick ? 1 : 12); round++) {
                WrkResult c = wrk("create", "bench-warm", 0, quick ? 1 : 5);
                wrk("get", null, 0, quick ? 1 : 2);
                if (round == 1) r.coldCreatesPerSec = c.rate();
                log(String.format("warm-up round %d: %,.0f creates/s", round, c.rate()));
                r.warmUpRounds = round;
                rates.add(c.rate());
                if (rates.size() >= 3) {
                    List<Double> last = rates.subList(rates.size() - 3, rates.size());
                    double low = Collections.min(last);
                    if (Collections.max(last) <= 1.1 * low) return;
                }
            }
        }

        /**
         * One paced phase: {@link #PACED_LEAD_IN_SECONDS} of the same load unmeasured, then the
         * measured seconds. The lead-in lets the server leave the phase before (the watch fan-out's
         * 500 streams closing) and compile the paced path before it is timed.
         */
        WrkResult paced(String mode, String ns, double rate, double seconds) throws Exception {
            if (!quick) wrk(mode, ns, rate, PACED_LEAD_IN_SECONDS);
            return wrk(mode, ns, rate, seconds);
        }

        /**
         * One wrk phase (bench/api-bench.lua): "create" POSTs ConfigMaps with generateName into
         * namespace ns, "get" GETs random objects of bench-list. rate 0 is a closed loop of
         * {@link #clients} connections; a rate paces 32 connections open-loop. Failed requests
         * count into the errors; the result carries the CPU the server (and etcd) and wrk used.
         */
        WrkResult wrk(String mode, String ns, double rate, double seconds) throws Exception {
            String path = "create".equals(mode) ? "/api/v1/namespaces/" + ns + "/configmaps" : "/api/v1/namespaces/bench-list/configmaps/";
            int connections = rate > 0 ? 32 : clients;
            // sh prints its own /proc stat after wrk exits: cutime + cstime are then wrk's CPU time.
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", "wrk \"$@\"; rc=$?; echo \"benchstat $(cat /proc/$$/stat)\"; exit $rc", "sh",
                    "-t", String.valueOf(WRK_THREADS), "-c", String.valueOf(connections), "-d", fmt0(seconds) + "s",
                    "--timeout", "30s", "-s", "bench/api-bench.lua", base.resolve(path).toString());
            pb.environment().put("BENCH_TOKEN", token);
            pb.environment().put("BENCH_MODE", mode);
            pb.environment().put("BENCH_BODY", bodyFile.toString());
            pb.environment().put("BENCH_PREFIX", "l-");
            pb.environment().put("BENCH_NAMES", String.valueOf(listSize));
            pb.environment().put("BENCH_RATE", String.valueOf(rate));
            pb.environment().put("BENCH_THREADS", String.valueOf(WRK_THREADS));
            pb.redirectErrorStream(true);
            double srv0 = serverCpuMs();
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            double srv1 = serverCpuMs();
            Matcher m = Pattern.compile("bench requests=(\\d+) duration_us=(\\d+) p50_us=(\\d+) p99_us=(\\d+) max_us=(\\d+) status_errors=(\\d+) socket_errors=(\\d+)").matcher(out);
            Matcher stat = Pattern.compile("benchstat .*\\) (.*)").matcher(out);
            if (rc != 0 || !m.find() || !stat.find()) throw new IllegalStateException("wrk " + mode + " failed (exit " + rc + "): " + out);
            String[] f = stat.group(1).trim().split(" ");
            WrkResult w = new WrkResult();
            long failed = Long.parseLong(m.group(6)) + Long.parseLong(m.group(7));
            w.requests = Long.parseLong(m.group(1)) - Long.parseLong(m.group(6));
            w.seconds = Long.parseLong(m.group(2)) / 1e6;
            w.p50Ms = Long.parseLong(m.group(3)) / 1e3;
            w.p99Ms = Long.parseLong(m.group(4)) / 1e3;
            w.serverCpuMs = srv0 >= 0 && srv1 >= 0 ? srv1 - srv0 : -1;
            w.clientCpuMs = (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10.0; // cutime + cstime, 100 ticks/s
            if (failed > 0) {
                errors.addAndGet(failed);
                log("wrk " + mode + ": " + failed + " failed requests:\n" + out);
            }
            return w;
        }

        // (d) watch fan-out: `watchers` watches from one resourceVersion on one namespace; a warm-up
        // object confirms that every watch is established, then `watchEvents` creates at a moderate
        // pace. Latency per watcher x event: from just before the create request until the watcher
        // has read the event's line.
        void watchFanOut() throws Exception {
            HttpResponse<String> listResp = http.send(req("/api/v1/namespaces/bench-watch/configmaps").GET().build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"resourceVersion\":\"(\\d+)\"").matcher(listResp.body());
            if (!m.find()) throw new IllegalStateException("no resourceVersion in list: " + trim(listResp.body()));
            String rv = m.group(1);

            AtomicLongArray start = new AtomicLongArray(watchEvents);
            long[][] arrival = new long[watchers][watchEvents];
            CountDownLatch warmSeen = new CountDownLatch(watchers);
            CountDownLatch allSeen = new CountDownLatch(watchers);
            Pattern evName = Pattern.compile("\"name\":\"ev-(\\d+|warm)\"");
            // Several clients so that one selector thread does not read all 500 connections.
            List<HttpClient> watchClients = new ArrayList<>();
            for (int i = 0; i < 4; i++) watchClients.add(newClient());
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            ConcurrentLinkedQueue<Stream<String>> open = new ConcurrentLinkedQueue<>();
            long t0 = System.nanoTime();
            for (int w = 0; w < watchers; w++) {
                final int wi = w;
                HttpClient c = watchClients.get(w % watchClients.size());
                pool.submit(() -> {
                    Arrays.fill(arrival[wi], -1);
                    boolean warm = false;
                    int seen = 0;
                    try {
                        HttpResponse<Stream<String>> resp = c.send(
                                HttpRequest.newBuilder(base.resolve("/api/v1/namespaces/bench-watch/configmaps?watch=true&resourceVersion=" + rv))
                                        .header("Authorization", "Bearer " + token).header("Accept", "application/json").build(),
                                HttpResponse.BodyHandlers.ofLines());
                        if (resp.statusCode() != 200) {
                            if (errors.incrementAndGet() <= 5) log("watch: HTTP " + resp.statusCode());
                            return null;
                        }
                        open.add(resp.body());
                        var it = resp.body().iterator();
                        while (it.hasNext()) {
                            String line = it.next();
                            long now = System.nanoTime();
                            Matcher em = evName.matcher(line);
                            if (!em.find()) continue;
                            if (em.group(1).equals("warm")) {
                                if (!warm) { warm = true; warmSeen.countDown(); }
                                continue;
                            }
                            int idx = Integer.parseInt(em.group(1));
                            if (arrival[wi][idx] < 0) {
                                arrival[wi][idx] = now;
                                if (++seen == watchEvents) { allSeen.countDown(); }
                            }
                        }
                    } catch (Exception e) {
                        if (seen < watchEvents && errors.incrementAndGet() <= 5) log("watch: " + e);
                    }
                    return null;
                });
            }
            // Every watch starts at rv, so each one sees this object's ADDED event however late it opens.
            create(http, "bench-watch", "ev-warm");
            if (!warmSeen.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (watchers - warmSeen.getCount()) + " of " + watchers + " watches established");
            }
            log(String.format("%d watches established in %.1f s", watchers, (System.nanoTime() - t0) / 1e9));

            long intervalNs = (long) (1e9 / watchEventsPerSecond);
            long s0 = System.nanoTime();
            for (int i = 0; i < watchEvents; i++) {
                long due = s0 + i * intervalNs;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.sleep(wait);
                start.set(i, System.nanoTime());
                create(http, "bench-watch", "ev-" + i);
            }
            boolean complete = allSeen.await(quick ? 10 : 30, TimeUnit.SECONDS);
            for (Stream<String> s : open) s.close();
            for (HttpClient c : watchClients) c.shutdownNow();
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);

            long[] lat = new long[watchers * watchEvents];
            int n = 0;
            for (int w = 0; w < watchers; w++) {
                for (int i = 0; i < watchEvents; i++) {
                    if (arrival[w][i] >= 0) lat[n++] = arrival[w][i] - start.get(i);
                }
            }
            lat = Arrays.copyOf(lat, n);
            Arrays.sort(lat);
            r.watchDelivered = n;
            r.watchExpected = (long) watchers * watchEvents;
            r.watchP50 = pctOf(lat, 50);
            r.watchP99 = pctOf(lat, 99);
            r.watchMax = n == 0 ? Double.NaN : lat[n - 1] / 1e6;
            log(String.format("watch fan-out: %d/%d delivered%s, p50 %.2f ms, p99 %.2f ms, max %.1f ms", n, r.watchExpected,
                    complete ? "" : " (timed out)", r.watchP50, r.watchP99, r.watchMax));
        }
    }

    // ---------------------------------------------------------------------------------------------

    interface Worker { void run(int thread) throws Exception; }

    /** What one wrk phase measured: successful requests, and the CPU time (ms) both sides used. */
    static final class WrkResult {
        long requests;
        double seconds, p50Ms, p99Ms, serverCpuMs, clientCpuMs;

        double rate() { return requests / seconds; }
    }

    static double pctOf(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    static void runWorkers(int n, Worker w) throws Exception {
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < n; t++) {
            final int ti = t;
            threads.add(Thread.ofPlatform().name("bench-" + t).start(() -> {
                try { w.run(ti); } catch (Throwable e) { failures.add(e); }
            }));
        }
        for (Thread t : threads) t.join();
        if (!failures.isEmpty()) throw new RuntimeException(failures.peek());
    }

    static int count(String s, String needle) {
        int c = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) c++;
        return c;
    }

    static String trim(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    // ---------------------------------------------------------------------------------------------

    static void print(Map<String, Results> results) {
        List<String> names = new ArrayList<>(results.keySet());
        List<Results> rs = new ArrayList<>(results.values());
        boolean ratio = rs.size() == 2;
        StringBuilder out = new StringBuilder();
        out.append("| measurement | ").append(String.join(" | ", names)).append(" |");
        if (ratio) out.append(" ").append(names.get(0)).append(" / ").append(names.get(1)).append(" |");
        out.append("\n|---|");
        for (int i = 0; i < names.size(); i++) out.append("---:|");
        if (ratio) out.append("---:|");
        out.append("\n");
        row(out, rs, ratio, "warm-up: creates/s in its first " + (quick ? "1" : "5") + " s (cold) / rounds until steady",
                x -> fmtRate(x.coldCreatesPerSec) + " / " + x.warmUpRounds, x -> x.coldCreatesPerSec);
        row(out, rs, ratio, "creates/s, wrk, " + clients + " connections, " + fmt0(phaseSeconds) + " s", x -> fmtRate(x.createsPerSec), x -> x.createsPerSec);
        row(out, rs, ratio, "create latency p50 / p99 (ms), " + clients + " connections", x -> ms2(x.createP50, x.createP99), x -> x.createP50);
        row(out, rs, ratio, "CPU per create, server (incl. etcd) / wrk (ms)",
                x -> x.hasSrvCpu ? String.format("%.2f / %.2f", x.createSrvCpuMs, x.createCliCpuMs) : "n/a", x -> x.hasSrvCpu ? x.createSrvCpuMs : Double.NaN);
        row(out, rs, ratio, "gets/s, wrk, " + clients + " connections, " + fmt0(phaseSeconds) + " s", x -> fmtRate(x.getsPerSec), x -> x.getsPerSec);
        row(out, rs, ratio, "get latency p50 / p99 (ms), " + clients + " connections", x -> ms2(x.getP50, x.getP99), x -> x.getP50);
        row(out, rs, ratio, "CPU per get, server (incl. etcd) / wrk (ms)",
                x -> x.hasSrvCpu ? String.format("%.2f / %.2f", x.getSrvCpuMs, x.getCliCpuMs) : "n/a", x -> x.hasSrvCpu ? x.getSrvCpuMs : Double.NaN);
        row(out, rs, ratio, "LIST of " + String.format("%,d", listSize) + " ConfigMaps, median of 5 (ms)",
                x -> String.format("%.1f (%d items, %.2f MiB)", x.listMedianMs, x.listItems, x.listMiB), x -> x.listMedianMs);
        row(out, rs, ratio, "watch fan-out, " + watchers + " watchers x " + watchEvents + " creates at " + fmt0(watchEventsPerSecond) + "/s: delivery p50 / p99 (ms)",
                x -> ms2(x.watchP50, x.watchP99), x -> x.watchP50);
        row(out, rs, ratio, "watch fan-out: events delivered, max latency (ms)",
                x -> String.format("%,d / %,d, max %.1f", x.watchDelivered, x.watchExpected, x.watchMax), x -> Double.NaN);
        row(out, rs, ratio, "creates paced at 50% of max, 32 connections: target / achieved rate (/s)",
                x -> fmtRate(x.pacedCreateRate) + " / " + fmtRate(x.pacedCreateAchieved), x -> Double.NaN);
        row(out, rs, ratio, "create latency p50 / p99 at 50% of max (ms)", x -> ms2(x.pacedCreateP50, x.pacedCreateP99), x -> x.pacedCreateP99);
        row(out, rs, ratio, "gets paced at 50% of max, 32 connections: target / achieved rate (/s)",
                x -> fmtRate(x.pacedGetRate) + " / " + fmtRate(x.pacedGetAchieved), x -> Double.NaN);
        row(out, rs, ratio, "get latency p50 / p99 at 50% of max (ms)", x -> ms2(x.pacedGetP50, x.pacedGetP99), x -> x.pacedGetP99);
        row(out, rs, ratio, "failed requests (all phases)", x -> String.valueOf(x.errors), x -> Double.NaN);
        if (ratio) {
            out.append("\nRatio column: ").append(names.get(0)).append(" figure divided by ").append(names.get(1))
                    .append(" figure (rates: higher is better; latencies: the p50 / median is divided, except the paced rows, where the p99 is; lower is better).\n");
        }
        out.append("\n| target | ");
        out.append(String.join(" | ", names)).append(" |\n|---|");
        for (int i = 0; i < names.size(); i++) out.append("---|");
        out.append("\n");
        target(out, rs, ">= 1,000 creates/s", x -> pass(x.createsPerSec >= 1000, fmtRate(x.createsPerSec) + "/s"));
        target(out, rs, ">= 5,000 gets/s", x -> pass(x.getsPerSec >= 5000, fmtRate(x.getsPerSec) + "/s"));
        target(out, rs, "create p99 <= 20 ms at 50% of max create throughput",
                x -> pass(x.pacedCreateP99 <= 20, String.format("%.2f ms at %s/s", x.pacedCreateP99, fmtRate(x.pacedCreateAchieved))));
        target(out, rs, "get p99 <= 20 ms at 50% of max get throughput",
                x -> pass(x.pacedGetP99 <= 20, String.format("%.2f ms at %s/s", x.pacedGetP99, fmtRate(x.pacedGetAchieved))));
        System.out.print(out);
        System.out.flush();
    }

    interface F { String f(Results r); }
    interface D { double d(Results r); }

    static void row(StringBuilder out, List<Results> rs, boolean ratio, String label, F f, D d) {
        out.append("| ").append(label).append(" |");
        for (Results r : rs) out.append(" ").append(f.f(r)).append(" |");
        if (ratio) {
            double a = d.d(rs.get(0)), b = d.d(rs.get(1));
            out.append(Double.isNaN(a) || Double.isNaN(b) || b == 0 ? " |" : String.format(" %.2fx |", a / b));
        }
        out.append("\n");
    }

    static void target(StringBuilder out, List<Results> rs, String label, F f) {
        out.append("| ").append(label).append(" |");
        for (Results r : rs) out.append(" ").append(f.f(r)).append(" |");
        out.append("\n");
    }

    static String pass(boolean ok, String figure) { return (ok ? "PASS" : "**FAIL**") + " (" + figure + ")"; }
    static String ms2(double p50, double p99) { return String.format("%.2f / %.2f", p50, p99); }
    static String fmtRate(double x) { return String.format("%,.0f", x); }
    static String fmt0(double x) { return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x); }
}
