// The API server benchmark, run by bench/api-bench.sh: drives one or more running drover API
// servers over HTTPS (JDK HttpClient, HTTP/1.1, bearer token, TLS trusting the kubeconfig's CA)
// and prints a Markdown table on stdout (progress on stderr). JDK only; runs as a single-file
// source program:
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
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
        if (TRACE != null) java.nio.file.Files.write(java.nio.file.Path.of(System.getenv("API_BENCH_TRACE")), TRACE);
    }

    // ---------------------------------------------------------------------------------------------

    static final class Results {
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

            // Warm-up (not reported): 16 clients create and get for 10 s, so that both JVMs run
            // JIT-compiled code when the measured phases start (1 s measured a cold server).
            closedLoop(clients, quick ? 0.5 : 10.0, (t, i) -> {
                String n = "w-" + t + "-" + i;
                return create(http, "bench-warm", n) != null && get("bench-warm", n);
            });

            // (a) creates/s, 16 concurrent clients.
            double srv0 = serverCpuMs(), cli0 = clientCpuMs();
            List<String> created = new ArrayList<>();
            ConcurrentLinkedQueue<String> createdQ = new ConcurrentLinkedQueue<>();
            Lat a = closedLoop(clients, phaseSeconds, (t, i) -> {
                String n = "c-" + t + "-" + i;
                if (create(http, "bench-create", n) == null) return false;
                createdQ.add(n);
                return true;
            });
            created.addAll(createdQ);
            double srv1 = serverCpuMs(), cli1 = clientCpuMs();
            r.hasSrvCpu = srv0 >= 0 && srv1 >= 0;
            r.createSrvCpuMs = (srv1 - srv0) / a.count;
            r.createCliCpuMs = (cli1 - cli0) / a.count;
            r.createsPerSec = a.rate();
            r.createP50 = a.pct(50);
            r.createP99 = a.pct(99);
            log(String.format("creates: %,.0f/s (%d), p50 %.2f ms, p99 %.2f ms; CPU per create: server %.2f ms, bench client %.2f ms",
                    r.createsPerSec, a.count, r.createP50, r.createP99, r.createSrvCpuMs, r.createCliCpuMs));

            // (b) gets/s of those objects, 16 concurrent clients, random names.
            String[] names = created.toArray(String[]::new);
            Lat b = closedLoop(clients, phaseSeconds, (t, i) -> get("bench-create", names[ThreadLocalRandom.current().nextInt(names.length)]));
            double srv2 = serverCpuMs(), cli2 = clientCpuMs();
            r.hasSrvCpu &= srv2 >= 0;
            r.getSrvCpuMs = (srv2 - srv1) / b.count;
            r.getCliCpuMs = (cli2 - cli1) / b.count;
            r.getsPerSec = b.rate();
            r.getP50 = b.pct(50);
            r.getP99 = b.pct(99);
            log(String.format("gets: %,.0f/s (%d), p50 %.2f ms, p99 %.2f ms; CPU per get: server %.2f ms, bench client %.2f ms",
                    r.getsPerSec, b.count, r.getP50, r.getP99, r.getSrvCpuMs, r.getCliCpuMs));

            // (c) LIST of 1,000 ConfigMaps: populate with 16 clients, then median of 5 full LISTs.
            AtomicInteger next = new AtomicInteger();
            runWorkers(clients, t -> {
                for (int i; (i = next.getAndIncrement()) < listSize; ) create(http, "bench-list", "l-" + i);
            });
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
            Lat e1 = paced(r.pacedCreateRate, phaseSeconds, i -> create(http, "bench-paced", "p-" + i) != null);
            r.pacedCreateAchieved = e1.rate();
            r.pacedCreateP50 = e1.pct(50);
            r.pacedCreateP99 = e1.pct(99);
            log(String.format("paced creates at %,.0f/s: achieved %,.0f/s, p50 %.2f ms, p99 %.2f ms", r.pacedCreateRate, r.pacedCreateAchieved, r.pacedCreateP50, r.pacedCreateP99));
            r.pacedGetRate = r.getsPerSec / 2;
            Lat e2 = paced(r.pacedGetRate, phaseSeconds, i -> get("bench-create", names[ThreadLocalRandom.current().nextInt(names.length)]));
            r.pacedGetAchieved = e2.rate();
            r.pacedGetP50 = e2.pct(50);
            r.pacedGetP99 = e2.pct(99);
            log(String.format("paced gets at %,.0f/s: achieved %,.0f/s, p50 %.2f ms, p99 %.2f ms", r.pacedGetRate, r.pacedGetAchieved, r.pacedGetP50, r.pacedGetP99));

            r.errors = errors.get();
            http.close();
            return r;
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

    interface Op { boolean run(int thread, long i) throws Exception; }
    interface PacedOp { boolean run(long i) throws Exception; }
    interface Worker { void run(int thread) throws Exception; }

    /** Latencies (ns) of successful operations over a measured wall time. */
    static final class Lat {
        long[] ns;
        int count;
        double seconds;

        Lat(List<long[]> parts, double seconds) {
            int total = 0;
            for (long[] p : parts) total += (int) p[0];
            ns = new long[total];
            int k = 0;
            for (long[] p : parts) {
                int c = (int) p[0];
                System.arraycopy(p, 1, ns, k, c);
                k += c;
            }
            Arrays.sort(ns);
            count = total;
            this.seconds = seconds;
        }

        double rate() { return count / seconds; }
        double pct(double p) { return pctOf(ns, p); }
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

    /** n closed-loop clients for the given time; each records the latency of its successful calls. */
    static Lat closedLoop(int n, double seconds, Op op) throws Exception {
        List<long[]> parts = new ArrayList<>();
        for (int t = 0; t < n; t++) parts.add(new long[1 << 18]);
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        runWorkers(n, t -> {
            long[] part = parts.get(t);
            long i = 0;
            while (System.nanoTime() < end) {
                long s = System.nanoTime();
                boolean ok = op.run(t, i++);
                long d = System.nanoTime() - s;
                if (ok && part[0] + 1 < part.length) part[(int) ++part[0]] = d;
            }
        });
        return new Lat(parts, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Open-loop load at a fixed rate: request i is due at t0 + i/rate; 32 workers take the next due
     * request. Latency is from the request's start (its due time or later, if every worker was busy).
     */
    /** With API_BENCH_TRACE=FILE, each paced request as "start-epoch-ms latency-ms", to line up with GC logs. */
    static final java.util.Queue<String> TRACE = System.getenv("API_BENCH_TRACE") == null ? null
            : new java.util.concurrent.ConcurrentLinkedQueue<>();

    static Lat paced(double rate, double seconds, PacedOp op) throws Exception {
        int n = 32;
        long total = (long) (rate * seconds);
        long interval = (long) (1e9 / rate);
        AtomicLong next = new AtomicLong();
        List<long[]> parts = new ArrayList<>();
        for (int t = 0; t < n; t++) parts.add(new long[(int) Math.min(total + 1, 1 << 20)]);
        long t0 = System.nanoTime();
        runWorkers(n, t -> {
            long[] part = parts.get(t);
            for (long i; (i = next.getAndIncrement()) < total; ) {
                long due = t0 + i * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.sleep(wait);
                long s = System.nanoTime();
                boolean ok = op.run(i);
                long d = System.nanoTime() - s;
                if (ok && part[0] + 1 < part.length) part[(int) ++part[0]] = d;
                if (TRACE != null) TRACE.add(String.format("%d %.3f", System.currentTimeMillis() - d / 1_000_000, d / 1e6));
            }
        });
        return new Lat(parts, (System.nanoTime() - t0) / 1e9);
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
        row(out, rs, ratio, "creates/s, " + clients + " clients, " + fmt0(phaseSeconds) + " s", x -> fmtRate(x.createsPerSec), x -> x.createsPerSec);
        row(out, rs, ratio, "create latency p50 / p99 (ms), " + clients + " clients", x -> ms2(x.createP50, x.createP99), x -> x.createP50);
        row(out, rs, ratio, "CPU per create, server (incl. etcd) / bench client (ms)",
                x -> x.hasSrvCpu ? String.format("%.2f / %.2f", x.createSrvCpuMs, x.createCliCpuMs) : "n/a", x -> x.hasSrvCpu ? x.createSrvCpuMs : Double.NaN);
        row(out, rs, ratio, "gets/s, " + clients + " clients, " + fmt0(phaseSeconds) + " s", x -> fmtRate(x.getsPerSec), x -> x.getsPerSec);
        row(out, rs, ratio, "get latency p50 / p99 (ms), " + clients + " clients", x -> ms2(x.getP50, x.getP99), x -> x.getP50);
        row(out, rs, ratio, "CPU per get, server (incl. etcd) / bench client (ms)",
                x -> x.hasSrvCpu ? String.format("%.2f / %.2f", x.getSrvCpuMs, x.getCliCpuMs) : "n/a", x -> x.hasSrvCpu ? x.getSrvCpuMs : Double.NaN);
        row(out, rs, ratio, "LIST of " + String.format("%,d", listSize) + " ConfigMaps, median of 5 (ms)",
                x -> String.format("%.1f (%d items, %.2f MiB)", x.listMedianMs, x.listItems, x.listMiB), x -> x.listMedianMs);
        row(out, rs, ratio, "watch fan-out, " + watchers + " watchers x " + watchEvents + " creates at " + fmt0(watchEventsPerSecond) + "/s: delivery p50 / p99 (ms)",
                x -> ms2(x.watchP50, x.watchP99), x -> x.watchP50);
        row(out, rs, ratio, "watch fan-out: events delivered, max latency (ms)",
                x -> String.format("%,d / %,d, max %.1f", x.watchDelivered, x.watchExpected, x.watchMax), x -> Double.NaN);
        row(out, rs, ratio, "creates paced at 50% of max: target / achieved rate (/s)",
                x -> fmtRate(x.pacedCreateRate) + " / " + fmtRate(x.pacedCreateAchieved), x -> Double.NaN);
        row(out, rs, ratio, "create latency p50 / p99 at 50% of max (ms)", x -> ms2(x.pacedCreateP50, x.pacedCreateP99), x -> x.pacedCreateP99);
        row(out, rs, ratio, "gets paced at 50% of max: target / achieved rate (/s)",
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
