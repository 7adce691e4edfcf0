# Sourced by ./drover and ./run-tests: sets JAVA_HOME to a JDK 21 or newer, or fails with a clear
# message. Looks at JAVA_HOME first, then /usr/lib/jvm, newest first.

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
  local candidates=() home v d
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${d%/}"); done
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      v=$(java_major "$home/bin/java")
      if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$home"; return 0; fi
    fi
  done
  return 1
}

if ! JAVA_HOME=$(find_jdk); then
  echo "drover: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm)." >&2
  echo "drover: install one (for example the Temurin 25 JDK) or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
