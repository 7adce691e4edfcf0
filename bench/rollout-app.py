# The tiny app of bench/rollout-bench.sh and RolloutDrainIT: python3 rollout-app.py PORT BODY.
import http.server, signal, sys, threading, time

# A graceful app the Tomcat way: at SIGTERM it stops accepting but its listening socket stays open
# while it finishes (here: one second), so a connection that arrives after SIGTERM waits unserved
# and is reset when the process exits. Every answer is the body given as argument.
port, body = int(sys.argv[1]), (sys.argv[2] + "\n").encode()

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("", port), Handler)
signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
server.serve_forever(poll_interval=0.01)  # notices the shutdown within 10 ms
time.sleep(1)
server.server_close()
